# Replaces the pyinstaller-hooks-contrib hook for thinc: same collection, without its tests.
from PyInstaller.utils.hooks import collect_data_files, collect_submodules


def _not_tests(name: str) -> bool:
    return ".tests" not in name


datas = collect_data_files("thinc", excludes=["tests", "tests/**"])
hiddenimports = collect_submodules("thinc", filter=_not_tests)
