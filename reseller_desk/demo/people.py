"""The demo office's people: 法人 and 個人 with kanji names and their katakana readings,
addresses with real postal codes and the area codes that go with them, valid 法人番号 (check
digit computed with python-stdnum). Addresses and phone numbers are made up; e-mail addresses
use the reserved example.co.jp / example.ne.jp domains so that nothing the demo holds can reach
a real person."""

from __future__ import annotations

import random

from stdnum.jp import cn as corporate_number_std

from reseller_desk.domain.customer import CustomerDraft, CustomerKind, format_phone

# (kanji, katakana, romaji) words that make up company names.
COMPANY_WORDS = [
    ("青葉", "アオバ", "aoba"), ("東洋", "トウヨウ", "toyo"), ("大和", "ヤマト", "yamato"),
    ("富士", "フジ", "fuji"), ("三和", "サンワ", "sanwa"), ("朝日", "アサヒ", "asahi"),
    ("北斗", "ホクト", "hokuto"), ("中央", "チュウオウ", "chuo"), ("光", "ヒカリ", "hikari"),
    ("日本橋", "ニホンバシ", "nihonbashi"), ("桜", "サクラ", "sakura"), ("若葉", "ワカバ", "wakaba"),
    ("千代田", "チヨダ", "chiyoda"), ("丸の内", "マルノウチ", "marunouchi"), ("みなと", "ミナト", "minato"),
    ("山田", "ヤマダ", "yamada"), ("高砂", "タカサゴ", "takasago"), ("明星", "メイセイ", "meisei"),
    ("栄光", "エイコウ", "eiko"), ("双葉", "フタバ", "futaba"), ("協和", "キョウワ", "kyowa"),
    ("昭和", "ショウワ", "showa"), ("平和", "ヘイワ", "heiwa"), ("太陽", "タイヨウ", "taiyo"),
    ("新星", "シンセイ", "shinsei"), ("あおい", "アオイ", "aoi"), ("翠", "ミドリ", "midori"),
    ("東邦", "トウホウ", "toho"), ("西都", "サイト", "saito"), ("港南", "コウナン", "konan"),
]
COMPANY_TRADES = [
    ("商事", "ショウジ", "shoji"), ("工業", "コウギョウ", "kogyo"), ("建設", "ケンセツ", "kensetsu"),
    ("物産", "ブッサン", "bussan"), ("不動産", "フドウサン", "fudosan"), ("設計", "セッケイ", "sekkei"),
    ("電機", "デンキ", "denki"), ("運輸", "ウンユ", "unyu"), ("食品", "ショクヒン", "shokuhin"),
    ("製作所", "セイサクショ", "seisakusho"), ("印刷", "インサツ", "insatsu"), ("システム", "システム", "system"),
    ("コンサルティング", "コンサルティング", "consulting"), ("企画", "キカク", "kikaku"),
    ("産業", "サンギョウ", "sangyo"),
    ("サービス", "サービス", "service"), ("薬局", "ヤッキョク", "pharmacy"), ("歯科", "シカ", "dental"),
]
COMPANY_FORMS = [  # (kanji, katakana, prefix?)  weights follow how common each form is
    ("株式会社", "カブシキガイシャ", True), ("株式会社", "カブシキガイシャ", False),
    ("株式会社", "カブシキガイシャ", True), ("有限会社", "ユウゲンガイシャ", True),
    ("合同会社", "ゴウドウガイシャ", False), ("一般社団法人", "イッパンシャダンホウジン", True),
]
FAMILY_NAMES = [
    ("佐藤", "サトウ", "sato"), ("鈴木", "スズキ", "suzuki"), ("高橋", "タカハシ", "takahashi"),
    ("田中", "タナカ", "tanaka"), ("伊藤", "イトウ", "ito"), ("渡辺", "ワタナベ", "watanabe"),
    ("山本", "ヤマモト", "yamamoto"), ("中村", "ナカムラ", "nakamura"), ("小林", "コバヤシ", "kobayashi"),
    ("加藤", "カトウ", "kato"), ("吉田", "ヨシダ", "yoshida"), ("山田", "ヤマダ", "yamada"),
    ("佐々木", "ササキ", "sasaki"), ("山口", "ヤマグチ", "yamaguchi"), ("松本", "マツモト", "matsumoto"),
    ("井上", "イノウエ", "inoue"), ("木村", "キムラ", "kimura"), ("林", "ハヤシ", "hayashi"),
    ("斎藤", "サイトウ", "saito"), ("清水", "シミズ", "shimizu"), ("山崎", "ヤマザキ", "yamazaki"),
    ("森", "モリ", "mori"), ("池田", "イケダ", "ikeda"), ("橋本", "ハシモト", "hashimoto"),
    ("阿部", "アベ", "abe"), ("石川", "イシカワ", "ishikawa"), ("前田", "マエダ", "maeda"),
    ("藤田", "フジタ", "fujita"), ("小川", "オガワ", "ogawa"), ("岡田", "オカダ", "okada"),
]
GIVEN_NAMES = [
    ("太郎", "タロウ", "taro"), ("花子", "ハナコ", "hanako"), ("健一", "ケンイチ", "kenichi"),
    ("美咲", "ミサキ", "misaki"), ("大輔", "ダイスケ", "daisuke"), ("陽子", "ヨウコ", "yoko"),
    ("翔太", "ショウタ", "shota"), ("由美", "ユミ", "yumi"), ("誠", "マコト", "makoto"),
    ("恵", "メグミ", "megumi"), ("直樹", "ナオキ", "naoki"), ("裕子", "ユウコ", "yuko"),
    ("拓也", "タクヤ", "takuya"), ("真由美", "マユミ", "mayumi"), ("和彦", "カズヒコ", "kazuhiko"),
    ("明美", "アケミ", "akemi"), ("浩二", "コウジ", "koji"), ("さくら", "サクラ", "sakura"),
    ("隆", "タカシ", "takashi"), ("優子", "ユウコ", "yuko"), ("亮", "リョウ", "ryo"), ("彩", "アヤ", "aya"),
]
# (postal code, address up to the town, area code, digits after the area code)
PLACES = [
    ("100-0005", "東京都千代田区丸の内", "03", 8), ("150-0002", "東京都渋谷区渋谷", "03", 8),
    ("160-0022", "東京都新宿区新宿", "03", 8), ("105-0011", "東京都港区芝公園", "03", 8),
    ("170-0013", "東京都豊島区東池袋", "03", 8), ("530-0001", "大阪府大阪市北区梅田", "06", 8),
    ("541-0041", "大阪府大阪市中央区北浜", "06", 8), ("460-0008", "愛知県名古屋市中区栄", "052", 7),
    ("812-0011", "福岡県福岡市博多区博多駅前", "092", 7), ("060-0001", "北海道札幌市中央区北一条西", "011", 7),
    ("980-0021", "宮城県仙台市青葉区中央", "022", 7), ("730-0011", "広島県広島市中区基町", "082", 7),
    ("220-0011", "神奈川県横浜市西区高島", "045", 7), ("650-0001", "兵庫県神戸市中央区加納町", "078", 7),
    ("600-8216", "京都府京都市下京区東塩小路町", "075", 7), ("330-0853", "埼玉県さいたま市大宮区錦町", "048", 7),
    ("260-0028", "千葉県千葉市中央区新町", "043", 7), ("420-0851", "静岡県静岡市葵区黒金町", "054", 7),
    ("950-0086", "新潟県新潟市中央区花園", "025", 7), ("860-0806", "熊本県熊本市中央区花畑町", "096", 7),
]
BUILDINGS = ["", "", "", "第一ビル", "センタービル", "ハイツ", "スカイタワー", "駅前ビル", "ビジネスプラザ"]
TITLES = ["代表取締役", "代表取締役社長", "代表社員", "理事長", "取締役"]
CONTACT_TITLES = ["総務部長", "総務課", "経理課長", "情報システム部", "事務長", "店長", ""]


def _phone(rng: random.Random, area: str, digits: int) -> str:
    """A number that phonenumbers accepts as allocated, hyphenated as it does (096-4xx-xxxx
    is really area code 0964); drawn again when the exchange does not exist."""
    while True:
        local = str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(digits - 1))
        formatted = format_phone(area + local)
        if "-" in formatted:
            return formatted


def _mobile(rng: random.Random) -> str:
    return f"0{rng.choice('789')}0-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}"


def _address(rng: random.Random, town: str) -> str:
    street = f"{town}{rng.randint(1, 5)}丁目{rng.randint(1, 30)}番{rng.randint(1, 20)}号"
    building = rng.choice(BUILDINGS)
    if building:
        street += f" {rng.choice(COMPANY_WORDS)[0]}{building} {rng.randint(1, 12)}F"
    return street


def _corporate_number(rng: random.Random) -> str:
    body = f"{rng.randint(1, 9)}{rng.randint(0, 10**11 - 1):011d}"
    return corporate_number_std.calc_check_digit(body) + body


def demo_customer(rng: random.Random) -> CustomerDraft:
    postal, town, area, digits = rng.choice(PLACES)
    if rng.random() < 0.65:
        word, trade, form = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_TRADES), rng.choice(COMPANY_FORMS)
        core, core_kana = word[0] + trade[0], word[1] + trade[1]
        name, kana = (form[0] + core, form[1] + core_kana) if form[2] else (core + form[0], core_kana + form[1])
        rep_family, rep_given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
        contact = rng.choice(FAMILY_NAMES)
        return CustomerDraft(
            kind=CustomerKind.CORPORATE, name=name, name_kana=kana,
            representative_title=rng.choice(TITLES), representative_name=f"{rep_family[0]} {rep_given[0]}",
            contact_title=rng.choice(CONTACT_TITLES), contact_name=f"{contact[0]} {rng.choice(GIVEN_NAMES)[0]}",
            postal_code=postal, address=_address(rng, town), phone=_phone(rng, area, digits),
            email=f"info@{word[2]}-{trade[2]}.example.co.jp",
            corporate_number=_corporate_number(rng),
        )
    family, given = rng.choice(FAMILY_NAMES), rng.choice(GIVEN_NAMES)
    phone = _mobile(rng) if rng.random() < 0.5 else _phone(rng, area, digits)
    return CustomerDraft(
        kind=CustomerKind.INDIVIDUAL, name=f"{family[0]} {given[0]}", name_kana=f"{family[1]} {given[1]}",
        postal_code=postal, address=_address(rng, town), phone=phone,
        email=f"{given[2]}.{family[2]}{rng.randint(1, 999)}@example.ne.jp",
        notes=rng.choice(["", "", "", "個人事業主（屋号あり）", "FAXでの連絡希望", "平日午前中は不在"]),
    )
