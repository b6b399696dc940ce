"""Rich text for role descriptions: what survives sanitising, how it renders, and the words it indexes."""

import pytest

from marketplace.vacancies import richtext


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("One paragraph.\n\nAnother.", "<p>One paragraph.</p>\n<p>Another.</p>"),
        ("Be **bold** and *brave*.", "<p>Be <strong>bold</strong> and <em>brave</em>.</p>"),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
        ("Line one\nline two", "<p>Line one<br>\nline two</p>"),
        (
            "[Our site](https://school.example.org)",
            '<p><a href="https://school.example.org" rel="noopener noreferrer nofollow">Our site</a></p>',
        ),
        ("# Not a heading", "<p># Not a heading</p>"),
        ("<p>Pasted <b>HTML</b></p>", "<p>Pasted <b>HTML</b></p>"),
        ('<p onclick="steal()">Hi</p><script>alert(1)</script>', "<p>Hi</p>"),
        ('<p><a href="javascript:alert(1)">x</a></p>', '<p><a rel="noopener noreferrer nofollow">x</a></p>'),
        ('<p><img src="x" onerror="alert(1)">Photo</p>', "<p>Photo</p>"),
        ("<h2>Title</h2><p>Body</p>", "Title<p>Body</p>"),
        ("<p>a</p>\x00", "<p>a</p>"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_what_a_school_types_is_stored_as_the_safe_subset(typed, stored):
    assert richtext.from_editor(typed) == stored


def test_typed_markup_that_is_not_the_subset_is_shown_as_text():
    stored = richtext.from_editor("Ages 4 < 7 & <script>alert(1)</script>")

    assert "<script>" not in stored
    assert "&lt;script&gt;" in stored


def test_render_sanitises_stored_html_again_and_escapes_plain_text():
    assert str(richtext.render("<p>ok</p><script>x</script>")) == "<p>ok</p>"
    assert (
        str(richtext.render("4 < 7 & more\nnext\n\nsecond"))
        == "<p>4 &lt; 7 &amp; more<br>next</p><p>second</p>"
    )
    assert str(richtext.render(None)) == ""


def test_plain_text_keeps_the_words_and_structure_without_markup():
    html = richtext.from_editor(
        "We are **friendly**.\n\n- teach *KS4*\n- run [our club](https://x.example.org/club)\n\nA &amp; B"
    )

    assert richtext.plain_text(html) == "We are friendly.\n\n- teach KS4\n- run our club\n\nA & B"
    assert "our club (https://x.example.org/club)" in richtext.plain_text(html, links=True)
    assert richtext.plain_text("Already plain <3") == "Already plain <3"
    # Formatting inside a phrase does not split it.
    assert "young and dynamic" in richtext.plain_text("<p><strong>young</strong> and dynamic</p>")


def test_the_editor_text_round_trips():
    typed = (
        "Intro with **bold** and *italic*.\n\n- one\n- [two](https://x.example.org)\n\n1. first\n2. second"
    )
    stored = richtext.from_editor(typed)

    assert richtext.to_editor(stored) == typed
    assert richtext.from_editor(richtext.to_editor(stored)) == stored
    assert richtext.to_editor("Plain text\nkept") == "Plain text\nkept"
