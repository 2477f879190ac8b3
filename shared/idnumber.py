"""Resident ID numbers (居民身份证号码, GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence,
one check character computed as ISO 7064 MOD 11-2."""
from datetime import date

from shared import clock

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class InvalidIdNumber(ValueError):
    """Carries a Chinese reason that can be shown to staff as it is."""


def check_character(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=False))
    return _CHECK[total % 11]


def normalise(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def validate(raw: str) -> str:
    """Return the normalised ID number or raise InvalidIdNumber with the reason in Chinese."""
    value = normalise(raw)
    if len(value) != 18:
        raise InvalidIdNumber("身份证号应为18位")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise InvalidIdNumber("身份证号前17位应为数字，末位为数字或X")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise InvalidIdNumber("身份证号中的出生日期无效") from None
    if born.year < 1900 or born > clock.today():
        raise InvalidIdNumber("身份证号中的出生日期超出范围")
    if check_character(value[:17]) != value[17]:
        raise InvalidIdNumber("身份证号校验位错误")
    return value


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except InvalidIdNumber:
        return False
    return True


def make(area6: str, born: date, sequence: int) -> str:
    """Build a well-formed ID number; the demo data and test factories use it for synthetic residents."""
    first17 = f"{area6}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def gender(value: str) -> str:
    """Odd sequence digit for men, even for women."""
    return "male" if int(value[16]) % 2 else "female"
