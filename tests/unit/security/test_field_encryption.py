"""Envelope encryption: round trips, tampering, context binding, shredding, online rotation."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from withcare.security.field_encryption import (
    DataKeyDestroyed,
    FieldCipher,
    FieldContext,
    InMemoryDataKeyStore,
    InMemoryKeyring,
    TamperedCiphertext,
    UnknownServiceKey,
    new_key,
)

NOTE = FieldContext("clinical_note", "note-1", "body")


def make_cipher() -> tuple[FieldCipher, InMemoryKeyring, InMemoryDataKeyStore]:
    keyring = InMemoryKeyring({"sk-2026-01": new_key()}, "sk-2026-01")
    store = InMemoryDataKeyStore()
    return FieldCipher(keyring, store), keyring, store


@settings(max_examples=50, deadline=None)
@given(st.text())
def test_round_trip_and_the_plaintext_never_appears_in_the_token(text: str) -> None:
    cipher, _, _ = make_cipher()
    token = cipher.encrypt("person-a", NOTE, text)
    assert cipher.decrypt("person-a", NOTE, token) == text
    if len(text) >= 4:
        assert text not in token


def test_same_text_encrypts_differently_each_time() -> None:
    cipher, _, _ = make_cipher()
    assert cipher.encrypt("p", NOTE, "same") != cipher.encrypt("p", NOTE, "same")


def flip_one_bit(token: str, position: int) -> str:
    tag, key_id, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[position % len(raw)] ^= 0x01
    return f"{tag}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).decode()}"


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=10_000))
def test_any_flipped_bit_is_detected(position: int) -> None:
    cipher, _, _ = make_cipher()
    token = cipher.encrypt("p", NOTE, "I felt low today")
    with pytest.raises(TamperedCiphertext):
        cipher.decrypt("p", NOTE, flip_one_bit(token, position))


@pytest.mark.parametrize("token", ["", "wc1.x", "wc9.a.AAAA", "wc1.a.!!!!", "wc1.a.AAAA"])
def test_malformed_tokens_are_refused(token: str) -> None:
    cipher, _, _ = make_cipher()
    cipher.encrypt("p", NOTE, "x")
    with pytest.raises(TamperedCiphertext):
        cipher.decrypt("p", NOTE, token)


def test_a_ciphertext_moved_to_another_record_field_or_person_fails() -> None:
    cipher, _, store = make_cipher()
    token = cipher.encrypt("p", NOTE, "safety plan: call my sister")
    for context in (
        FieldContext("clinical_note", "note-2", "body"),
        FieldContext("clinical_note", "note-1", "title"),
        FieldContext("message", "note-1", "body"),
    ):
        with pytest.raises(TamperedCiphertext):
            cipher.decrypt("p", context, token)
    cipher.encrypt("q", NOTE, "other person")
    key_id = token.split(".")[1]
    q_key = store.get("q")
    assert q_key is not None
    store.delete("q")
    store.add(type(q_key)("q", key_id, q_key.service_key_id, q_key.wrapped))
    with pytest.raises(TamperedCiphertext):
        cipher.decrypt("q", NOTE, token)


def test_shredding_a_person_makes_only_their_ciphertexts_unreadable() -> None:
    cipher, _, _ = make_cipher()
    mine = cipher.encrypt("erased", NOTE, "private")
    theirs = cipher.encrypt("kept", NOTE, "still here")
    cipher.shred("erased")
    with pytest.raises(DataKeyDestroyed):
        cipher.decrypt("erased", NOTE, mine)
    assert cipher.decrypt("kept", NOTE, theirs) == "still here"
    # New data for the same person uses a new key; the shredded text stays unreadable.
    fresh = cipher.encrypt("erased", NOTE, "new note")
    assert cipher.decrypt("erased", NOTE, fresh) == "new note"
    with pytest.raises(DataKeyDestroyed):
        cipher.decrypt("erased", NOTE, mine)


def test_rotation_rewraps_without_reencrypting_and_reads_work_throughout() -> None:
    cipher, keyring, store = make_cipher()
    tokens = {p: cipher.encrypt(p, NOTE, f"note of {p}") for p in ("a", "b", "c")}
    keyring.add_and_use("sk-2026-07", new_key())
    # Mid-rotation: nothing rewrapped yet, everything still readable; new people use the new key.
    assert cipher.decrypt("a", NOTE, tokens["a"]) == "note of a"
    tokens["d"] = cipher.encrypt("d", NOTE, "note of d")
    assert cipher.keys_wrapped_by("sk-2026-07") == 1
    assert cipher.rotate() == 3
    assert cipher.rotate() == 0
    assert cipher.keys_wrapped_by("sk-2026-01") == 0
    keyring.retire("sk-2026-01")
    for person, token in tokens.items():
        assert cipher.decrypt(person, NOTE, token) == f"note of {person}"
    assert {w.service_key_id for w in store.all()} == {"sk-2026-07"}


def test_retiring_a_service_key_too_early_is_reported_clearly() -> None:
    cipher, keyring, _ = make_cipher()
    token = cipher.encrypt("a", NOTE, "x")
    keyring.add_and_use("sk-new", new_key())
    keyring.retire("sk-2026-01")
    with pytest.raises(UnknownServiceKey):
        cipher.decrypt("a", NOTE, token)


def test_rotation_never_resurrects_a_key_shredded_during_it() -> None:
    cipher, keyring, store = make_cipher()
    cipher.encrypt("a", NOTE, "x")
    stale = store.get("a")
    assert stale is not None
    keyring.add_and_use("sk-new", new_key())
    cipher.shred("a")
    rewrapped = type(stale)("a", stale.data_key_id, "sk-new", b"whatever")
    assert not store.replace(stale, rewrapped)
    assert cipher.rotate() == 0
    assert store.get("a") is None


def test_a_tampered_wrapped_key_is_detected() -> None:
    cipher, _, store = make_cipher()
    token = cipher.encrypt("a", NOTE, "x")
    wrapped = store.get("a")
    assert wrapped is not None
    damaged = bytearray(wrapped.wrapped)
    damaged[-1] ^= 0x80
    store.replace(
        wrapped, type(wrapped)("a", wrapped.data_key_id, wrapped.service_key_id, bytes(damaged))
    )
    with pytest.raises(TamperedCiphertext):
        cipher.decrypt("a", NOTE, token)


def test_keyrings_load_from_base64_and_refuse_bad_keys() -> None:
    key = new_key()
    keyring = InMemoryKeyring.from_base64({"k1": base64.b64encode(key).decode()}, "k1")
    assert keyring.key("k1") == key
    with pytest.raises(ValueError, match="base64"):
        InMemoryKeyring.from_base64({"k1": "not base64!"}, "k1")
    with pytest.raises(ValueError, match="32 bytes"):
        InMemoryKeyring.from_base64({"k1": base64.b64encode(b"short").decode()}, "k1")
    with pytest.raises(ValueError, match="current key"):
        InMemoryKeyring({"k1": key}, "k2")
