# Replaces the pyinstaller-hooks-contrib hook for spaCy: the same collection of spaCy's data
# files and submodules (the registries import factories and languages by name at run time),
# without spaCy's own test suite, which would pull in pytest.
from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def _not_tests(name: str) -> bool:
    return ".tests" not in name


datas = collect_data_files("spacy", excludes=["tests", "tests/**"])
hiddenimports = collect_submodules("spacy", filter=_not_tests)
