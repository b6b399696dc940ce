from pathlib import Path

from marketplace.config import SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_setting_is_documented_in_the_readme():
    missing = [f"MARKETPLACE_{s.key}" for s in SETTINGS if f"`MARKETPLACE_{s.key}`" not in README]
    assert missing == []


def test_the_readme_gives_the_two_set_up_commands():
    assert "make run" in README
    assert "make test" in README
