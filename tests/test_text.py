from fieldsync_tui.text import safe


def test_plain_text_unchanged() -> None:
    assert safe("Zoë & Co (Ltd), 'x' \"y\" [bold]z[/bold]") == (
        "Zoë & Co (Ltd), 'x' \"y\" [bold]z[/bold]"
    )


def test_controls_and_escapes_are_escaped() -> None:
    assert safe("a\x1b[31mred\nb\u200bc\u202e") == "a\\x1b[31mred\\nb\\u200bc\\u202e"


def test_none_is_empty() -> None:
    assert safe(None) == ""
