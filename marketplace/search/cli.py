"""STUB."""
import click


@click.group()
def search():
    """Search index."""
