"""The README's file links resolve, and its two newcomer commands are near the top."""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_links_resolve():
    links = [link for link in re.findall(r"\]\(([^)#]+)\)", README) if not link.startswith("http")]
    assert links
    missing = [link for link in links if not (ROOT / link).exists()]
    assert not missing, f"README links to missing files: {missing}"


def test_two_commands_near_the_top():
    top = "\n".join(README.splitlines()[:15])
    assert "pytest" in top and "python -m benchmarks" in top
