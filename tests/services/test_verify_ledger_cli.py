"""`lovebank verify-ledger --community CODE` names an unknown code instead of ending in a traceback."""

from tests.factories import make_community


def test_an_unknown_community_code_is_a_usage_error_naming_it(app):
    make_community("和平里")
    result = app.test_cli_runner().invoke(args=["verify-ledger", "--community", "NOPE"])
    assert result.exit_code == 2, result.output
    assert "no community with the code 'NOPE'" in result.output and "--community" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
