"""The original project's name for `populate`."""

from activity.management.commands.populate import Command as PopulateCommand


class Command(PopulateCommand):
    help = "Alias of `populate`. " + PopulateCommand.help
