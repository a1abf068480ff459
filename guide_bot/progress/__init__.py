"""Progress for the user: charts of the history and checks of uploaded routines' storage."""
