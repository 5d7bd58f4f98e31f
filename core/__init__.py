"""The ground floor: what every app may use. Imports no project app and never `config`."""
