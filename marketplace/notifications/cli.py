"""STUB."""
import click


@click.command()
def worker():
    """Send the outbox."""
