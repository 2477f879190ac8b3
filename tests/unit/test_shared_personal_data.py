from datetime import date

import pytest
from cryptography.exceptions import InvalidTag

from shared import idnumber, pii


def test_gb11643_check_digit_of_the_standard_example():
    assert idnumber.validate("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize("value, reason", [
    ("11010519491231002", "18位"),
    ("110105194912310021", "校验位"),
    ("110105194913310027", "出生日期"),
    ("1101051949123100AX", "前17位"),
])
def test_bad_id_numbers_are_refused_with_a_chinese_reason(value, reason):
    with pytest.raises(idnumber.InvalidIdNumber) as exc:
        idnumber.validate(value)
    assert reason in str(exc.value)


def test_made_id_numbers_are_valid_and_carry_birth_and_gender():
    value = idnumber.make("500229", date(1990, 5, 17), 123)
    assert idnumber.is_valid(value)
    assert idnumber.birth_date(value) == date(1990, 5, 17)
    assert idnumber.gender(value) == "male"  # the sequence ends in 3: odd
    assert idnumber.gender(idnumber.make("500229", date(1990, 5, 17), 124)) == "female"


def cipher():
    return pii.PiiCipher(b"k" * 32, b"i" * 32)


def test_encryption_round_trip_is_randomised_and_bound_to_its_field():
    c = cipher()
    a, b = c.encrypt("phone", "13800000000"), c.encrypt("phone", "13800000000")
    assert a != b and c.decrypt("phone", a) == "13800000000"
    with pytest.raises(InvalidTag):
        c.decrypt("id_number", a)


def test_blind_index_is_stable_keyed_and_field_specific():
    c = cipher()
    assert c.blind_index("id_number", "x") == c.blind_index("id_number", "x")
    assert c.blind_index("id_number", "x") != c.blind_index("phone", "x")
    assert c.blind_index("id_number", "x") != pii.PiiCipher(b"k" * 32, b"j" * 32).blind_index("id_number", "x")


def test_masks():
    assert pii.mask_id_number("50022919900517123X") == "500229********123X"
    assert pii.mask_phone("13812345678") == "138****5678"
    assert pii.mask_name("欧阳修") == "欧**"


def test_mask_text_hides_real_id_numbers_and_phones_but_not_area_codes():
    real = idnumber.make("500229", date(1980, 1, 1), 5)
    text = f"户 500229001001001001 居民 {real} 电话 13912345678"
    masked = pii.mask_text(text)
    assert real not in masked and "13912345678" not in masked
    assert "500229001001001001" in masked


def test_a_rotated_key_seals_new_data_and_still_opens_the_old():
    old_key, new_key, index = b"\x11" * 16 + b"\x22" * 16, b"\x33" * 16 + b"\x44" * 16, b"i" * 32
    before = pii.PiiCipher(old_key, index, "k1")
    sealed_before = before.encrypt("phone", "13800000000")
    after = pii.PiiCipher(new_key, index, "k2", previous={"k1": old_key})
    assert after.decrypt("phone", sealed_before) == "13800000000"
    sealed_after = after.encrypt("phone", "13900000000")
    assert sealed_after["k"] == "k2" and not after.is_current(sealed_before)
    resealed = after.reseal("phone", sealed_before)
    assert after.is_current(resealed) and pii.PiiCipher(new_key, index, "k2").decrypt("phone", resealed) == \
        "13800000000"
    with pytest.raises(pii.UnknownKeyId):
        pii.PiiCipher(new_key, index, "k2").decrypt("phone", sealed_before)
    assert after.blind_index("id_number", "x") == before.blind_index("id_number", "x")
