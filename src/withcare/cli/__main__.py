"""``python -m withcare.cli`` runs the command-line tool."""

from withcare.cli import main

main()
