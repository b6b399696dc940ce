"""STUB."""
import click


@click.command()
@click.option("--if-empty", is_flag=True)
def demo(if_empty):
    """Load the demo world."""
