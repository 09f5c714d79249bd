"""The deployment's secrets: made once, and never shown by their repr."""

from pathlib import Path

from ossature.runtime.secrets import load_secrets


def test_the_secrets_repr_names_the_fields_and_shows_no_value(tmp_path: Path) -> None:
    """Neither a key (as hex or bytes) nor a password appears in repr(secrets)."""
    secrets = load_secrets(tmp_path)
    shown = repr(secrets)
    values = [secrets.pepper.hex(), repr(secrets.pepper), secrets.app_db_password]
    values += [secrets.demo_password, repr(secrets.master_key), secrets.keys.active.kid]
    assert (True, []) == (
        shown.startswith("Secrets(pepper=***, keys=***"),
        [value for value in values if value in shown],
    )
