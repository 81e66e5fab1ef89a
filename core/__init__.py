"""Shared building blocks of the apps and the project configuration: the domain's base
error, text rules and strict input fields. Depends on no app."""
