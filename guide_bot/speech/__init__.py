"""Speech: TTS engines behind one port, the content-addressed audio cache, codecs and tracks.

ports (the SpeechEngine protocol, PCM and errors), gtts_engine and espeak_engine (the engines),
selection (which engine a session uses), cache (audio_cache/), codecs (PyAV decode/encode),
cues (cue clips and their real durations), chime, track (whole-session and per-step rendering).
"""
