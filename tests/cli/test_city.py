"""The city commands of lib.cli: the IPSS projection of a joint course's municipalities from one file."""
from __future__ import annotations

import pytest

from lib.cli import main as cli_main
from lib.data.city import setup_city
from lib.data.ipss_projection import published_projections
from lib.data.store import Store
from tests.conftest import copy_demo_data
from tests.data.test_city_joint import IWAMI, TOTTORI, TOTTORI_2015
from tests.fixtures.ipss import values, write_national_workbook


@pytest.fixture()
def joint_course(tmp_path, demo_data, monkeypatch):
    folder = copy_demo_data(demo_data, tmp_path / "data")
    monkeypatch.setenv("WORKBENCH_DATA_DIR", str(folder))
    store = Store(folder)
    setup_city(TOTTORI_2015, [TOTTORI, IWAMI], store=store)
    store.close()
    return tmp_path


def test_a_joint_course_gets_every_towns_projection_or_none(joint_course, capsys):
    only_tottori = write_national_workbook(joint_course / "one.xlsx", {TOTTORI: ("鳥取市", values())})
    assert cli_main(["ipss-projection", str(only_tottori)]) == 2  # 岩美町 is not in the file
    assert "31302" in capsys.readouterr().err
    assert published_projections().empty  # not even 鳥取市's

    both = write_national_workbook(joint_course / "both.xlsx",
                                   {TOTTORI: ("鳥取市", values()), IWAMI: ("岩美町", values())})
    assert cli_main(["ipss-projection", str(both)]) == 0
    assert list(dict.fromkeys(published_projections()["city_code"])) == [TOTTORI, IWAMI]
    out = capsys.readouterr().out
    assert "鳥取市" in out and "岩美町" in out
