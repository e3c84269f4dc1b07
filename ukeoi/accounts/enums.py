from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ACCOUNT_TRANSITIONS: dict[str, set[str]] = {
    AccountStatus.ACTIVE: {AccountStatus.WITHDRAWN},
    AccountStatus.WITHDRAWN: set(),
}


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Under review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


VERIFICATION_TRANSITIONS: dict[str, set[str]] = {
    VerificationStatus.PENDING: {VerificationStatus.APPROVED, VerificationStatus.REJECTED},
    VerificationStatus.APPROVED: set(),
    VerificationStatus.REJECTED: set(),
}


class DocumentType(models.TextChoices):
    DRIVERS_LICENSE = "drivers_license", _("Driver's licence")
    MY_NUMBER_CARD = "my_number_card", _("My Number card")
    PASSPORT = "passport", _("Passport")
    RESIDENCE_CARD = "residence_card", _("Residence card")


class RetiredKind(models.TextChoices):
    EMAIL = "email", _("E-mail address (HMAC)")
    USERNAME = "username", _("Username")


class Language(models.TextChoices):
    JA = "ja", "日本語"
    EN = "en", "English"


class Prefecture(models.TextChoices):
    """The 47 prefectures in JIS X 0401 order (code 01 北海道 … 47 沖縄県).

    The stored value is the Japanese name (stable, what existing rows hold); the label is
    the English name, translated to the Japanese name in the Japanese catalogue (A7).
    """

    HOKKAIDO = "北海道", pgettext_lazy("prefecture", "Hokkaido")  # 01
    AOMORI = "青森県", pgettext_lazy("prefecture", "Aomori")  # 02
    IWATE = "岩手県", pgettext_lazy("prefecture", "Iwate")  # 03
    MIYAGI = "宮城県", pgettext_lazy("prefecture", "Miyagi")  # 04
    AKITA = "秋田県", pgettext_lazy("prefecture", "Akita")  # 05
    YAMAGATA = "山形県", pgettext_lazy("prefecture", "Yamagata")  # 06
    FUKUSHIMA = "福島県", pgettext_lazy("prefecture", "Fukushima")  # 07
    IBARAKI = "茨城県", pgettext_lazy("prefecture", "Ibaraki")  # 08
    TOCHIGI = "栃木県", pgettext_lazy("prefecture", "Tochigi")  # 09
    GUNMA = "群馬県", pgettext_lazy("prefecture", "Gunma")  # 10
    SAITAMA = "埼玉県", pgettext_lazy("prefecture", "Saitama")  # 11
    CHIBA = "千葉県", pgettext_lazy("prefecture", "Chiba")  # 12
    TOKYO = "東京都", pgettext_lazy("prefecture", "Tokyo")  # 13
    KANAGAWA = "神奈川県", pgettext_lazy("prefecture", "Kanagawa")  # 14
    NIIGATA = "新潟県", pgettext_lazy("prefecture", "Niigata")  # 15
    TOYAMA = "富山県", pgettext_lazy("prefecture", "Toyama")  # 16
    ISHIKAWA = "石川県", pgettext_lazy("prefecture", "Ishikawa")  # 17
    FUKUI = "福井県", pgettext_lazy("prefecture", "Fukui")  # 18
    YAMANASHI = "山梨県", pgettext_lazy("prefecture", "Yamanashi")  # 19
    NAGANO = "長野県", pgettext_lazy("prefecture", "Nagano")  # 20
    GIFU = "岐阜県", pgettext_lazy("prefecture", "Gifu")  # 21
    SHIZUOKA = "静岡県", pgettext_lazy("prefecture", "Shizuoka")  # 22
    AICHI = "愛知県", pgettext_lazy("prefecture", "Aichi")  # 23
    MIE = "三重県", pgettext_lazy("prefecture", "Mie")  # 24
    SHIGA = "滋賀県", pgettext_lazy("prefecture", "Shiga")  # 25
    KYOTO = "京都府", pgettext_lazy("prefecture", "Kyoto")  # 26
    OSAKA = "大阪府", pgettext_lazy("prefecture", "Osaka")  # 27
    HYOGO = "兵庫県", pgettext_lazy("prefecture", "Hyogo")  # 28
    NARA = "奈良県", pgettext_lazy("prefecture", "Nara")  # 29
    WAKAYAMA = "和歌山県", pgettext_lazy("prefecture", "Wakayama")  # 30
    TOTTORI = "鳥取県", pgettext_lazy("prefecture", "Tottori")  # 31
    SHIMANE = "島根県", pgettext_lazy("prefecture", "Shimane")  # 32
    OKAYAMA = "岡山県", pgettext_lazy("prefecture", "Okayama")  # 33
    HIROSHIMA = "広島県", pgettext_lazy("prefecture", "Hiroshima")  # 34
    YAMAGUCHI = "山口県", pgettext_lazy("prefecture", "Yamaguchi")  # 35
    TOKUSHIMA = "徳島県", pgettext_lazy("prefecture", "Tokushima")  # 36
    KAGAWA = "香川県", pgettext_lazy("prefecture", "Kagawa")  # 37
    EHIME = "愛媛県", pgettext_lazy("prefecture", "Ehime")  # 38
    KOCHI = "高知県", pgettext_lazy("prefecture", "Kochi")  # 39
    FUKUOKA = "福岡県", pgettext_lazy("prefecture", "Fukuoka")  # 40
    SAGA = "佐賀県", pgettext_lazy("prefecture", "Saga")  # 41
    NAGASAKI = "長崎県", pgettext_lazy("prefecture", "Nagasaki")  # 42
    KUMAMOTO = "熊本県", pgettext_lazy("prefecture", "Kumamoto")  # 43
    OITA = "大分県", pgettext_lazy("prefecture", "Oita")  # 44
    MIYAZAKI = "宮崎県", pgettext_lazy("prefecture", "Miyazaki")  # 45
    KAGOSHIMA = "鹿児島県", pgettext_lazy("prefecture", "Kagoshima")  # 46
    OKINAWA = "沖縄県", pgettext_lazy("prefecture", "Okinawa")  # 47


class BankAccountType(models.IntegerChoices):
    """Zengin account type codes (JAPAN.md)."""

    ORDINARY = 1, _("Ordinary (普通)")
    CURRENT = 2, _("Current (当座)")
    SAVINGS = 4, _("Savings (貯蓄)")
