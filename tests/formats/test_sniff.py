"""formats/sniff.py: what a file is, from its first bytes."""
import pytest

from annotator.formats import sniff


@pytest.mark.parametrize("head, what", [
    (b"", "an empty file"), (b" \n", "only white space"), (b"PK\x03\x04rest", "a zip file"),
    (b"%PDF-1.7", "a PDF document"), (b"\x1f\x8b\x08", "a gzip file"),
    (b"\xff\xfeO\x00", "UTF-16 text (save it as UTF-8)"),
    (b"abc\xffdef", "binary data (not UTF-8 at byte 3)"),
    (b"abc\x00def", "binary data (it holds NUL bytes)"),
    (b'{"text": "x"}\n{"text": "y"}\n', "JSON Lines"), (b'{"text": "x"}', "JSON Lines"),
    (b'[{"text": "x"}]', "a JSON document"), (b'{\n "text": "x"\n}', "a JSON document"),
    (b"{Updated} Officials said so.", "plain text"), (b"Officials said so.", "plain text"),
])
def test_describe_says_what_a_file_is_from_its_first_bytes(head, what):
    assert sniff.describe(head) == what


def test_describe_does_not_count_a_character_cut_off_at_the_end_of_the_head():
    head = b"a" * (sniff.HEAD_BYTES - 1) + "é".encode()[:1]
    assert sniff.describe(head) == "plain text"
