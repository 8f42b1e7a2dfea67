#!/usr/bin/env python3
"""Writes a national-scale sample registry as the four import CSVs (deterministic for a seed).

    /usr/bin/python3 bench/generate_registry.py --out /tmp/sg-registry            # national
    /usr/bin/python3 bench/generate_registry.py --scale 0.01 --out /tmp/sg-small  # quick run

At --scale 1.0: 8,000 agencies, 3,000 vendors, 50,000 systems, 80,000 contracts (the targets of
../shared/DESIGN.md). Every count is multiplied by --scale.

- Agencies 機關: ~40 cabinet-level parents (院、部、會, level A) with their 署/局 (B) and branch
  offices (C/D), national universities, high schools and hospitals; 22 local governments with
  their bureaus, district and township offices, household-registration and health offices, and
  schools (D/E); state-owned enterprises, critical-infrastructure providers and foundations with
  their branches. Parents come before children in the file.
- Vendors 廠商: 統一編號 that pass the checksum (weights 1,2,1,2,1,2,4,1; the sum of the digit
  sums of the products divisible by 5, or the sum or sum+1 when the 7th digit is 7). They are
  random, not real companies' ids; the names of the top nine are seed 000's, the rest invented.
  Concentration is skewed as in seed 000's table: the top nine serve exactly 93, 78, 70, 64, 60,
  58, 57, 45 and 43 agencies (contracts in force on --today) and run 100-190 systems each; from
  rank 10 on, a Zipf-Mandelbrot curve 43 * ((9+q)/(k+q))^s (q = 120, s chosen so the last rank
  serves one agency; +-12% jitter, at most 42) gives the long tail that serves 1-3 agencies
  (about two thirds of vendors).
  About 8% of vendors name 1-3 subcontractors.
- Systems 資通系統: C/I/A/legal ratings (higher for higher agency levels), ~10% core; CI flags for
  critical-infrastructure providers. More systems for higher responsibility levels.
- Contracts 契約: ~70% in force on --today (default 2026-11-21), ~25% ended, ~5% not yet started;
  NT$ 0.3M-50M (log-uniform), 1-3 systems each, ~10% with named subcontractors, ROC dates.

At scales below 1.0 the agency tree is a random subtree of the national one and vendor rank k
takes the national curve's value at rank (k-1)/scale+1, so totals shrink linearly; only at 1.0
does the top of the concentration table match seed 000's exactly.

Besides the CSVs, writes summary.json: the counts and the expected top of the concentration
report (the top 12 vendors by agencies served, in force on --today), for checking the server.
Standard library only.
"""
import argparse
import bisect
import csv
import datetime
import json
import math
import os
import random
import sys

NATIONAL = {"agencies": 8000, "vendors": 3000, "systems": 50000, "contracts": 80000}
WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1]
TOP_AGENCIES = [93, 78, 70, 64, 60, 58, 57, 45, 43]  # seed 000's table
TOP_NAMES = ["中華電信", "凌網科技", "桓基科技", "哈瑪星科技", "叡揚資訊", "凱發科技", "資拓宏宇",
             "關貿網路", "康大資訊"]
TAIL_Q = 120.0
SHARE_ENDED = 0.25
SHARE_FUTURE = 0.05
SHARE_WITH_SUBCONTRACTORS = 0.10


# --------------------------------------------------------------------------------------------
# 統一編號

def valid_tax_id(digits):
    total = 0
    for position, digit in enumerate(digits):
        if position == 6 and digit == "7":
            continue  # 7 x 4 = 28 -> 2 + 8 = 10 -> counted as 1 or 0
        product = int(digit) * WEIGHTS[position]
        total += product // 10 + product % 10
    if digits[6] == "7":
        return total % 5 == 0 or (total + 1) % 5 == 0
    return total % 5 == 0


def tax_ids(rng, count):
    found, seen = [], set()
    while len(found) < count:
        candidate = f"{rng.randrange(0, 100_000_000):08d}"
        if candidate not in seen and valid_tax_id(candidate):
            seen.add(candidate)
            found.append(candidate)
    return found


# --------------------------------------------------------------------------------------------
# Agencies

CABINET = ["總統府", "行政院", "立法院", "司法院", "考試院", "監察院", "內政部", "外交部", "國防部",
           "財政部", "教育部", "法務部", "經濟部", "交通部", "勞動部", "農業部", "衛生福利部",
           "環境部", "文化部", "數位發展部", "運動部", "國家發展委員會", "國家科學及技術委員會",
           "大陸委員會", "金融監督管理委員會", "海洋委員會", "僑務委員會",
           "國軍退除役官兵輔導委員會", "原住民族委員會", "客家委員會", "公共工程委員會",
           "行政院主計總處", "行政院人事行政總處", "中央銀行", "國立故宮博物院", "中央選舉委員會",
           "公平交易委員會", "國家通訊傳播委員會", "核能安全委員會", "國家安全局"]
TOPICS = ["資訊", "產業", "資源", "保險", "檢驗", "標準", "觀光", "氣象", "公路", "鐵道", "航港",
          "疾病管制", "食品藥物", "國民健康", "社會及家庭", "營建", "移民", "消防", "警政", "地政",
          "水利", "能源", "礦務", "智慧財產", "國際貿易", "中小企業", "關務", "國庫", "賦稅",
          "國有財產", "調查", "矯正", "廉政", "行政執行", "青年發展", "文化資產", "影視",
          "數位產業", "資通安全", "農糧", "漁業", "林業及自然保育", "動植物防疫檢疫", "環境管理",
          "氣候變遷", "化學物質", "勞動力發展", "職業安全衛生", "勞工保險", "統計", "訓練",
          "檔案管理", "空中勤務", "海巡", "國土管理", "兒童及少年", "長期照顧", "中醫藥", "研究"]
UNIT_TYPES = ["署", "局", "中心", "研究院", "處", "所"]
REGIONS = ["北區", "中區", "南區", "東區", "臺北", "新北", "桃園", "臺中", "臺南", "高雄", "基隆",
           "新竹", "苗栗", "彰化", "南投", "雲林", "嘉義", "屏東", "宜蘭", "花蓮", "臺東", "澎湖",
           "金門", "連江"]
BRANCH_TYPES = ["分署", "分局", "辦事處", "服務站", "管理處", "區隊"]
PLACES = ["中正", "大同", "中山", "松山", "大安", "萬華", "信義", "士林", "北投", "內湖", "南港",
          "文山", "板橋", "三重", "中和", "永和", "新莊", "新店", "樹林", "鶯歌", "三峽", "淡水",
          "汐止", "瑞芳", "土城", "蘆洲", "五股", "泰山", "林口", "深坑", "石碇", "坪林", "三芝",
          "石門", "八里", "平溪", "雙溪", "貢寮", "金山", "萬里", "烏來", "龜山", "八德", "大溪",
          "楊梅", "蘆竹", "大園", "觀音", "新屋", "龍潭", "平鎮", "中壢", "豐原", "東勢", "大甲",
          "清水", "沙鹿", "梧棲", "后里", "神岡", "潭子", "大雅", "新社", "石岡", "外埔", "大安溪",
          "烏日", "大肚", "龍井", "霧峰", "太平", "大里", "和平", "新營", "鹽水", "白河", "柳營",
          "後壁", "東山", "麻豆", "下營", "六甲", "官田", "大內", "佳里", "學甲", "西港", "七股",
          "將軍", "北門", "新化", "善化", "新市", "安定", "山上", "玉井", "楠西", "南化", "左鎮",
          "仁德", "歸仁", "關廟", "龍崎", "永康", "鳳山", "林園", "大寮", "大樹", "大社", "仁武",
          "鳥松", "岡山", "橋頭", "燕巢", "田寮", "阿蓮", "路竹", "湖內", "茄萣", "永安", "彌陀",
          "梓官", "旗山", "美濃", "六龜", "甲仙", "杉林", "內門", "茂林", "桃源", "那瑪夏", "竹東",
          "竹北", "湖口", "新豐", "關西", "芎林", "寶山", "北埔", "峨眉", "尖石", "五峰", "頭份",
          "竹南", "後龍", "通霄", "苑裡", "卓蘭", "大湖", "公館", "銅鑼", "南庄", "頭屋", "三義",
          "西湖", "造橋", "三灣", "獅潭", "泰安", "員林", "鹿港", "和美", "北斗", "溪湖", "田中",
          "二林", "線西", "伸港", "福興", "秀水", "花壇", "芬園", "大村", "埔鹽", "埔心", "永靖",
          "社頭", "二水", "田尾", "埤頭", "芳苑", "大城", "竹塘", "溪州", "埔里", "草屯", "竹山",
          "集集", "名間", "鹿谷", "中寮", "魚池", "國姓", "水里", "信義鄉", "仁愛", "斗六", "斗南",
          "虎尾", "西螺", "土庫", "北港", "古坑", "大埤", "莿桐", "林內", "二崙", "崙背", "麥寮",
          "東勢鄉", "褒忠", "臺西", "元長", "四湖", "口湖", "水林", "太保", "朴子", "布袋", "大林",
          "民雄", "溪口", "新港", "六腳", "東石", "義竹", "鹿草", "水上", "中埔", "竹崎", "梅山",
          "番路", "大埔", "阿里山", "潮州", "東港", "恆春", "萬丹", "長治", "麟洛", "九如", "里港",
          "鹽埔", "高樹", "萬巒", "內埔", "竹田", "新埤", "枋寮", "新園", "崁頂", "林邊", "南州",
          "佳冬", "琉球", "車城", "滿州", "枋山", "羅東", "蘇澳", "頭城", "礁溪", "壯圍", "員山",
          "冬山", "五結", "三星", "大同鄉", "南澳", "鳳林", "玉里", "新城", "吉安", "壽豐", "光復",
          "豐濱", "瑞穗", "富里", "秀林", "萬榮", "卓溪", "成功", "關山", "卑南", "鹿野", "池上",
          "東河", "長濱", "太麻里", "大武", "綠島", "蘭嶼", "馬公", "湖西", "白沙", "西嶼", "望安",
          "七美", "金城", "金湖", "金沙", "金寧", "烈嶼", "南竿", "北竿", "莒光", "東引"]
SCHOOL_NAMES = ["中正", "仁愛", "光復", "民生", "建國", "復興", "自強", "忠孝", "信義", "和平",
                "博愛", "大同", "興華", "東門", "西門", "南門", "北門", "明德", "育英", "文化",
                "中興", "成功", "光明", "新生", "長安", "永福", "福德", "龍山", "德興", "文昌",
                "崇德", "正義", "華興", "勝利", "三民", "五福", "七賢", "青年", "建功", "樂群"]
LOCAL_GOVERNMENTS = [("臺北市", True), ("新北市", True), ("桃園市", True), ("臺中市", True),
                     ("臺南市", True), ("高雄市", True), ("基隆市", False), ("新竹市", False),
                     ("嘉義市", False), ("新竹縣", False), ("苗栗縣", False), ("彰化縣", False),
                     ("南投縣", False), ("雲林縣", False), ("嘉義縣", False), ("屏東縣", False),
                     ("宜蘭縣", False), ("花蓮縣", False), ("臺東縣", False), ("澎湖縣", False),
                     ("金門縣", False), ("連江縣", False)]
BUREAUS = ["民政", "財政", "教育", "經濟發展", "工務", "交通", "社會", "勞動", "警察", "消防",
           "衛生", "環境保護", "都市發展", "文化", "觀光傳播", "地政", "兵役", "體育", "資訊",
           "法務", "人事", "主計", "政風", "研究發展考核", "客家事務", "原住民族事務", "農業",
           "水利", "新聞", "產業發展"]
STATE_OWNED = ["中華郵政股份有限公司", "台灣中油股份有限公司", "台灣糖業股份有限公司",
               "臺灣菸酒股份有限公司", "臺灣銀行股份有限公司", "臺灣土地銀行股份有限公司",
               "臺灣港務股份有限公司", "桃園國際機場股份有限公司", "台灣國際造船股份有限公司",
               "中央存款保險股份有限公司"]
CI_PROVIDERS = ["台灣電力股份有限公司", "台灣自來水股份有限公司", "國營臺灣鐵路股份有限公司",
                "台灣高速鐵路股份有限公司", "臺北大眾捷運股份有限公司", "高雄捷運股份有限公司",
                "中華電信股份有限公司", "台灣大哥大股份有限公司", "遠傳電信股份有限公司",
                "臺灣證券交易所股份有限公司", "臺灣集中保管結算所股份有限公司",
                "財金資訊股份有限公司", "臺灣期貨交易所股份有限公司", "中華航空股份有限公司",
                "長榮航空股份有限公司", "台灣電力公司核能發電處", "欣欣天然氣股份有限公司",
                "大台北區瓦斯股份有限公司", "台灣大學醫學院附設醫院", "臺北榮民總醫院"]
FOUNDATIONS = ["國家實驗研究院", "資訊工業策進會", "工業技術研究院", "中華經濟研究院",
               "台灣經濟研究院", "國家同步輻射研究中心", "中央通訊社", "公共電視文化事業基金會",
               "海峽交流基金會", "國家住宅及都市更新中心", "金屬工業研究發展中心",
               "台灣電子檢驗中心", "商業發展研究院", "船舶暨海洋產業研發中心", "車輛研究測試中心",
               "生物技術開發中心", "食品工業發展研究所", "塑膠工業技術發展中心",
               "紡織產業綜合研究所", "精密機械研究發展中心", "台灣網路資訊中心",
               "國家衛生研究院", "中華民國對外貿易發展協會", "農業科技研究院", "資訊安全研究院",
               "國家運動訓練中心", "文化內容策進院", "台灣中小企業聯合輔導基金會",
               "國家中山科學研究院", "國家文化藝術基金會", "原住民族文化事業基金會",
               "客家公共傳播基金會", "法律扶助基金會", "犯罪被害人保護協會", "大學入學考試中心",
               "高等教育評鑑中心", "醫院評鑑暨醫療品質策進會", "藥品查驗中心", "全國認證基金會",
               "臺灣更生保護會"]
BRANCH_OF_COMPANY = ["營業處", "分公司", "分行", "管理處", "營運中心", "區處"]


class Agency:
    __slots__ = ("code", "name", "parent", "level", "kind", "children", "systems", "weight")

    def __init__(self, code, name, parent, level, kind):
        self.code, self.name, self.parent, self.level, self.kind = code, name, parent, level, kind
        self.children = []
        self.systems = []
        self.weight = 0.0


def build_agency_tree(rng):
    """The national tree (8,000 agencies). Returns agencies, parents before children."""
    agencies = []

    def add(code, name, parent, level, kind):
        agency = Agency(code, name, parent, level, kind)
        agencies.append(agency)
        if parent is not None:
            parent.children.append(agency)
        return agency

    # Central government: cabinet-level parents, their 署/局, branch offices.
    for index, name in enumerate(CABINET, start=1):
        cabinet = add(f"C{index:02d}", name, None, "A", "central")
        subordinates = rng.randint(3, 22)
        topics = rng.sample(TOPICS, subordinates)
        for sub_index, topic in enumerate(topics, start=1):
            level = "A" if rng.random() < 0.15 else "B"
            unit = add(f"C{index:02d}S{sub_index:02d}", f"{name}{topic}{rng.choice(UNIT_TYPES)}",
                       cabinet, level, "central")
            branches = rng.choice([0, 0, 1, 2, 3, 4, 6, 8, 12, 16])
            for branch_index, region in enumerate(rng.sample(REGIONS, branches), start=1):
                add(f"C{index:02d}S{sub_index:02d}B{branch_index:02d}",
                    f"{unit.name}{region}{rng.choice(BRANCH_TYPES)}", unit,
                    "C" if rng.random() < 0.7 else "D", "central")
    by_name = {a.name: a for a in agencies}
    education, health = by_name["教育部"], by_name["衛生福利部"]
    for number, place in enumerate(rng.sample(PLACES, 45), start=1):
        add(f"C11U{number:03d}", f"國立{place}大學", education, "A" if number <= 8 else "B",
            "central")
    for number, place in enumerate(rng.sample(PLACES, 180), start=1):
        add(f"C11H{number:03d}", f"國立{place}高級中學", education, "D", "central")
    for number, place in enumerate(rng.sample(PLACES, 26), start=1):
        add(f"C17M{number:03d}", f"衛生福利部{place}醫院", health, "B", "central")

    # Local governments: bureaus, district/township offices and their offices, schools later.
    places = list(PLACES)
    rng.shuffle(places)
    place_cursor = 0
    local_education = []
    district_count = [12, 29, 13, 29, 37, 38, 7, 3, 2, 13, 18, 26, 13, 20, 18, 33, 12, 13, 16, 6,
                      6, 4]  # 368 鄉鎮市區 in all
    for index, ((city, municipality), districts) in enumerate(
            zip(LOCAL_GOVERNMENTS, district_count), start=1):
        government = add(f"L{index:02d}", f"{city}政府", None, "A" if municipality else "B",
                         "local")
        suffix = "局" if municipality else "處"
        bureau_names = BUREAUS if municipality else rng.sample(BUREAUS, 22)
        for number, bureau in enumerate(bureau_names, start=1):
            name = f"{city}政府{bureau}委員會" if bureau in ("研究發展考核", "客家事務",
                                                        "原住民族事務") else f"{city}政府{bureau}{suffix}"
            agency = add(f"L{index:02d}B{number:02d}", name, government,
                         "B" if municipality else "C", "local")
            if bureau == "教育":
                local_education.append((city, agency))
        for number in range(1, districts + 1):
            place = places[place_cursor % len(places)]
            place_cursor += 1
            kind_word = "區" if municipality else rng.choice(["鄉", "鎮", "市"])
            office = add(f"L{index:02d}D{number:02d}", f"{city}{place}{kind_word}公所", government,
                         "C" if municipality else "D", "local")
            add(f"L{index:02d}D{number:02d}H", f"{city}{place}戶政事務所", office, "D", "local")
            add(f"L{index:02d}D{number:02d}W", f"{city}{place}{kind_word}衛生所", office, "D",
                "local")
            if number % 3 == 0:
                add(f"L{index:02d}D{number:02d}L", f"{city}{place}地政事務所", office, "D", "local")

    # State-owned enterprises, critical-infrastructure providers, foundations.
    for index, name in enumerate(STATE_OWNED, start=1):
        company = add(f"S{index:02d}", name, None, "A", "state_owned")
        for number, region in enumerate(rng.sample(REGIONS, rng.randint(18, 24)), start=1):
            add(f"S{index:02d}R{number:02d}", f"{name}{region}{rng.choice(BRANCH_OF_COMPANY)}",
                company, "C" if rng.random() < 0.6 else "D", "state_owned")
    for index, name in enumerate(CI_PROVIDERS, start=1):
        provider = add(f"K{index:02d}", name, None, "A", "ci_provider")
        for number, region in enumerate(rng.sample(REGIONS, rng.randint(6, 18)), start=1):
            add(f"K{index:02d}R{number:02d}", f"{name}{region}{rng.choice(BRANCH_OF_COMPANY)}",
                provider, "B" if rng.random() < 0.4 else "C", "ci_provider")
    for index, name in enumerate(FOUNDATIONS, start=1):
        foundation = add(f"F{index:02d}", f"財團法人{name}", None, "B" if index <= 12 else "C",
                         "foundation")
        for number in range(1, rng.choice([0, 0, 1, 2, 3, 4]) + 1):
            add(f"F{index:02d}U{number:02d}", f"財團法人{name}{rng.choice(REGIONS)}中心",
                foundation, "C" if rng.random() < 0.5 else "D", "foundation")

    # Schools under the local education bureaus fill the tree up to the national count.
    remaining = NATIONAL["agencies"] - len(agencies)
    if remaining < 0:
        raise SystemExit("the agency tree is larger than the national count")
    weights = [3 if len(city) == 3 and city[:2] in ("臺北", "新北", "桃園", "臺中", "臺南", "高雄")
               else 1 for city, _ in local_education]
    counts = apportion(rng, remaining, weights)
    for (city, bureau), count in zip(local_education, counts):
        used = set()
        for number in range(1, count + 1):
            while True:
                place = rng.choice(PLACES)
                school = rng.choice(SCHOOL_NAMES)
                stage = "國民小學" if rng.random() < 0.7 else "國民中學"
                name = f"{city}立{place}{school}{stage}"
                if name not in used:
                    used.add(name)
                    break
            add(f"{bureau.code}E{number:03d}", name, bureau, "D" if rng.random() < 0.7 else "E",
                "local")
    return agencies


def apportion(rng, total, weights):
    """Splits `total` into integers proportional to `weights` (largest remainders, ties random)."""
    weight_sum = float(sum(weights))
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    counts = [int(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], rng.random()))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def subtree_sample(rng, agencies, count):
    """A random subset of `count` agencies that contains the parent of each of its members."""
    if count >= len(agencies):
        return agencies
    chosen = set()
    order = list(agencies)
    rng.shuffle(order)
    for agency in order:
        if len(chosen) >= count:
            break
        missing = []
        node = agency
        while node is not None and node.code not in chosen:
            missing.append(node.code)
            node = node.parent
        if len(chosen) + len(missing) <= count:
            chosen.update(missing)
    kept = [a for a in agencies if a.code in chosen]  # keeps parents-before-children order
    for agency in kept:
        agency.children = [c for c in agency.children if c.code in chosen]
    return kept


# --------------------------------------------------------------------------------------------
# Systems

SYSTEM_TOPICS = ["公文管理", "人事差勤", "會計", "財產管理", "全球資訊網", "電子郵件", "線上申辦",
                 "案件管理", "地理資訊", "資料倉儲", "採購管理", "薪資", "檔案管理", "客服",
                 "監理", "稅務", "戶政", "地政", "健保", "門診", "校務行政", "學籍", "圖書館",
                 "雲端儲存", "身分認證", "帳務", "電子支付", "物聯網監控", "調度", "防災預警",
                 "資安監控", "備份", "虛擬桌面", "開放資料", "統計分析", "補助申請", "許可證照",
                 "票務", "行動應用", "視訊會議"]
LEVEL_NAMES = ["普", "中", "高"]
# P(普), P(中), P(高) of each rating, by the agency's responsibility level.
RATING_ODDS = {"A": (0.25, 0.45, 0.30), "B": (0.35, 0.45, 0.20), "C": (0.50, 0.40, 0.10),
               "D": (0.65, 0.30, 0.05), "E": (0.75, 0.23, 0.02)}
SYSTEM_WEIGHT = {"A": 45.0, "B": 14.0, "C": 5.0, "D": 2.6, "E": 1.5}


def rating(rng, level):
    low, medium, _ = RATING_ODDS[level]
    roll = rng.random()
    return 0 if roll < low else 1 if roll < low + medium else 2


def make_systems(rng, agencies, total):
    for agency in agencies:
        agency.weight = SYSTEM_WEIGHT[agency.level] * rng.uniform(0.6, 1.4)
    base = [1 if total >= len(agencies) else 0 for _ in agencies]
    extra = apportion(rng, total - sum(base), [a.weight for a in agencies])
    rows = []
    for agency, count in zip(agencies, (b + e for b, e in zip(base, extra))):
        topics = rng.sample(SYSTEM_TOPICS, min(count, len(SYSTEM_TOPICS)))
        for number in range(1, count + 1):
            system_id = f"{agency.code}-S{number:03d}"
            topic = topics[number - 1] if number <= len(topics) else f"{rng.choice(SYSTEM_TOPICS)}{number}"
            ratings = [rating(rng, agency.level) for _ in range(4)]
            protection = max(ratings)
            core = rng.random() < (0.13, 0.08, 0.045)[2 - protection]
            ci = rng.random() < (0.5 if agency.kind == "ci_provider" else 0.01)
            agency.systems.append(system_id)
            rows.append((agency.code, system_id, f"{agency.name}{topic}系統",
                         *(LEVEL_NAMES[r] for r in ratings), "是" if core else "否",
                         "是" if ci else "否"))
    return rows


# --------------------------------------------------------------------------------------------
# Vendors and their concentration

NAME_HEADS = ["宏", "凌", "資", "中", "台", "精", "零", "叡", "凱", "關", "康", "桓", "新", "東", "華",
              "聯", "創", "智", "訊", "網", "數", "雲", "安", "達", "明", "昇", "群", "碩", "匯", "鼎",
              "威", "捷", "億", "立", "益", "元", "泰", "展", "富", "信", "德", "成", "祥", "和"]
NAME_TAILS = ["科技", "資訊", "系統", "網路", "數位", "電腦", "資通", "軟體", "雲端", "資安", "通訊",
              "電子"]


def vendor_names(rng, count):
    names, seen = [], set(TOP_NAMES)
    for index in range(count):
        if index < len(TOP_NAMES):
            names.append(TOP_NAMES[index])
            continue
        while True:
            name = "".join(rng.sample(NAME_HEADS, rng.choice([2, 2, 3]))) + rng.choice(NAME_TAILS)
            if name not in seen:
                seen.add(name)
                names.append(name + "股份有限公司")
                break
    return names


def national_curve(vendors):
    """Agencies served by each national rank 1..vendors, before jitter."""
    exponent = math.log(TOP_AGENCIES[-1]) / math.log((vendors + TAIL_Q) / (len(TOP_AGENCIES) + TAIL_Q))
    curve = list(TOP_AGENCIES)
    for rank in range(len(TOP_AGENCIES) + 1, vendors + 1):
        curve.append(TOP_AGENCIES[-1] * ((len(TOP_AGENCIES) + TAIL_Q) / (rank + TAIL_Q)) ** exponent)
    return curve[:vendors]


def agencies_served(rng, vendor_count, scale, agency_count):
    curve = national_curve(NATIONAL["vendors"])
    served = []
    for index in range(vendor_count):
        rank = min(len(curve), int(round(index / scale)) + 1) if scale < 1 else index + 1
        value = curve[rank - 1]
        if rank <= len(TOP_AGENCIES):
            count = int(value)  # pinned: seed 000's table
        else:
            count = max(1, min(TOP_AGENCIES[-1] - 1, int(round(value * rng.uniform(0.88, 1.12)))))
        served.append(max(1, min(count, agency_count // 2 or 1)))
    return served


class WeightedPicker:
    def __init__(self, items, weights):
        self.items = items
        self.cumulative = []
        running = 0.0
        for weight in weights:
            running += weight
            self.cumulative.append(running)
        self.total = running

    def pick(self, rng):
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.total)]

    def distinct(self, rng, count):
        count = min(count, len(self.items))
        chosen, seen = [], set()
        while len(chosen) < count:
            item = self.pick(rng)
            if id(item) not in seen:
                seen.add(id(item))
                chosen.append(item)
        return chosen


# --------------------------------------------------------------------------------------------
# Contracts

SERVICE_TYPES = ["saas_packaged", "saas_office", "saas_customised", "paas_iaas", "it_planning",
                 "security_planning", "system_development", "feature_expansion",
                 "system_maintenance"]
SERVICE_ODDS = [6, 3, 4, 8, 4, 7, 14, 12, 30]
SERVICE_LABELS = {"saas_packaged": "雲端套裝服務", "saas_office": "辦公室生產力工具",
                  "saas_customised": "客製化雲端服務", "paas_iaas": "雲端主機租用",
                  "it_planning": "資訊服務規劃", "security_planning": "資安規劃",
                  "system_development": "系統開發", "feature_expansion": "功能擴充",
                  "system_maintenance": "系統維護"}


def roc(date):
    return f"{date.year - 1911}/{date.month:02d}/{date.day:02d}"


def month_start(date):
    return date.replace(day=1)


def year_end(year):
    return datetime.date(year, 12, 31)


def amount(rng):
    value = math.exp(rng.uniform(math.log(300_000), math.log(50_000_000)))
    return int(round(value, -3))


def dates(rng, today, state):
    if state == "in_force":
        start = month_start(today - datetime.timedelta(days=rng.randint(0, 1000)))
        if start > today:
            start = today
        end_year = today.year + rng.choice([0, 0, 1, 1, 1, 2, 2, 3])
        end = year_end(end_year) if rng.random() < 0.7 else (
            today + datetime.timedelta(days=rng.randint(1, 900)))
        if end < today:
            end = year_end(today.year)
    elif state == "ended":
        end = today - datetime.timedelta(days=rng.randint(1, 1500))
        if rng.random() < 0.6:
            end = year_end(end.year) if year_end(end.year) < today else end
        start = month_start(end - datetime.timedelta(days=rng.randint(90, 1100)))
    else:  # not yet started
        start = today + datetime.timedelta(days=rng.randint(1, 200))
        end = start + datetime.timedelta(days=rng.randint(180, 1100))
    return start, end


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = national (default)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--out", default="bench-registry", help="folder for the CSV files")
    parser.add_argument("--today", default="2026-11-21",
                        help="date the contracts are in force on (YYYY-MM-DD, default 2026-11-21)")
    args = parser.parse_args()
    if not 0 < args.scale <= 1.0:
        parser.error("--scale must be in (0, 1]")
    today = datetime.date.fromisoformat(args.today)
    rng = random.Random(args.seed)
    target = {key: max(1, int(round(value * args.scale))) for key, value in NATIONAL.items()}

    # Agencies and systems.
    agencies = subtree_sample(rng, build_agency_tree(rng), target["agencies"])
    systems = make_systems(rng, agencies, target["systems"])
    with_systems = [a for a in agencies if a.systems]

    # Vendors: ranks, names, tax ids, the agencies each serves (in force), their systems.
    vendor_count = target["vendors"]
    ids = tax_ids(rng, vendor_count)
    names = vendor_names(rng, vendor_count)
    served = agencies_served(rng, vendor_count, args.scale, len(with_systems))
    picker = WeightedPicker(with_systems, [len(a.systems) ** 0.85 for a in with_systems])
    pairs = []  # (vendor index, agency, [system ids])
    for vendor, count in enumerate(served):
        chosen = picker.distinct(rng, count)
        if vendor < len(TOP_AGENCIES) and args.scale >= 1.0:
            # Seed 000's top vendors run 100-190 systems: one per agency, the rest spread.
            wanted = min(rng.randint(100, 190), sum(len(a.systems) for a in chosen))
            per = [1] * len(chosen)
            while sum(per) < wanted:
                slot = rng.randrange(len(chosen))
                if per[slot] < len(chosen[slot].systems):
                    per[slot] += 1
        else:
            per = [min(len(a.systems), rng.choices([1, 2, 3, 4, 5], [45, 30, 15, 7, 3])[0])
                   for a in chosen]
        for agency, k in zip(chosen, per):
            pairs.append((vendor, agency, rng.sample(agency.systems, k)))

    # Vendor subcontractor links (vendors.csv): ~8% of vendors name 1-3 others.
    sub_picker = WeightedPicker(list(range(vendor_count)),
                                [1.0 / (rank + 30) for rank in range(vendor_count)])
    vendor_subs = {}
    for vendor in range(vendor_count):
        odds = 0.3 if vendor < vendor_count // 15 else 0.06
        if vendor_count > 1 and rng.random() < odds:
            subs = {sub_picker.pick(rng) for _ in range(rng.randint(1, 3))} - {vendor}
            if subs:
                vendor_subs[vendor] = sorted(subs)
    certs_pool = ["ISO 27001:{y}-{m:02d}-{d:02d}", "CNS 27001:{y}-{m:02d}-{d:02d}",
                  "ISO 27701:{y}-{m:02d}-{d:02d}", "ISO 20000-1:{y}-{m:02d}-{d:02d}", "CMMI"]
    vendor_rows = []
    for vendor in range(vendor_count):
        certs = []
        for pattern in rng.sample(certs_pool, rng.choice([0, 1, 1, 2, 3])):
            expiry = today + datetime.timedelta(days=rng.randint(-200, 1100))
            certs.append(pattern.format(y=expiry.year, m=expiry.month, d=expiry.day))
        vendor_rows.append((ids[vendor], names[vendor], "是" if rng.random() < 0.005 else "否",
                            ";".join(certs), ";".join(ids[s] for s in vendor_subs.get(vendor, []))))

    # Contracts: in force (per pair), ended and not yet started (anywhere).
    contract_total = target["contracts"]
    future_total = int(round(contract_total * SHARE_FUTURE))
    ended_total = int(round(contract_total * SHARE_ENDED))
    # Each pair needs one in-force contract per three of its systems; at tiny scales drop pairs
    # of the tail until they fit.
    minimum = [(len(s) + 2) // 3 for _, _, s in pairs]
    while pairs and sum(minimum) > contract_total:
        pairs.pop()
        minimum.pop()
    in_force_total = max(sum(minimum), contract_total - future_total - ended_total)
    extra = apportion(rng, in_force_total - sum(minimum),
                      [len(a.systems) ** 0.7 * len(s) * rng.uniform(0.5, 1.5) for _, a, s in pairs])
    ended_total = min(ended_total, contract_total - in_force_total)
    future_total = contract_total - in_force_total - ended_total

    serial = {}
    in_force = [0]
    contract_rows = []
    expected = {}

    def subcontractors(vendor):
        if rng.random() >= SHARE_WITH_SUBCONTRACTORS or vendor_count < 2:
            return []
        named = vendor_subs.get(vendor)
        chosen = set()
        for _ in range(1 if rng.random() < 0.8 else 2):
            chosen.add(rng.choice(named) if named and rng.random() < 0.7 else sub_picker.pick(rng))
        chosen.discard(vendor)
        return sorted(chosen)

    def add_contract(vendor, agency, covered, state):
        start, end = dates(rng, today, state)
        number = serial[agency.code] = serial.get(agency.code, 0) + 1
        service = rng.choices(SERVICE_TYPES, SERVICE_ODDS)[0]
        value = amount(rng)
        subs = subcontractors(vendor)
        contract_rows.append((f"{start.year - 1911}-{agency.code}-{number:03d}", agency.code,
                              ids[vendor], f"{agency.name}{start.year - 1911}年度"
                              f"{SERVICE_LABELS[service]}案", service, value, roc(start),
                              roc(end), ";".join(covered), "是" if rng.random() < 0.6 else "否",
                              "是" if rng.random() < 0.3 else "否", ";".join(ids[s] for s in subs)))
        if start <= today <= end:
            in_force[0] += 1
            row = expected.setdefault(vendor, {"agencies": set(), "systems": set(), "amount": 0})
            row["agencies"].add(agency.code)
            row["systems"].update(covered)
            row["amount"] += value

    for (vendor, agency, pair_systems), low, more in zip(pairs, minimum, extra):
        for chunk in range(low):  # cover every system of the pair at least once
            add_contract(vendor, agency, pair_systems[chunk * 3:chunk * 3 + 3], "in_force")
        for _ in range(more):
            k = rng.randint(1, min(3, len(pair_systems)))
            add_contract(vendor, agency, rng.sample(pair_systems, k), "in_force")
    vendor_picker = WeightedPicker(list(range(vendor_count)), served)
    all_picker = WeightedPicker(agencies, [max(1, len(a.systems)) for a in agencies])
    for state, count in (("ended", ended_total), ("future", future_total)):
        for _ in range(count):
            agency = all_picker.pick(rng)
            vendor = vendor_picker.pick(rng)
            covered = rng.sample(agency.systems, rng.randint(1, min(3, len(agency.systems)))) \
                if agency.systems else []
            add_contract(vendor, agency, covered, state)
    # The file lists contracts by id, not grouped by vendor.
    contract_rows.sort(key=lambda row: row[0])

    def write(name, header, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    os.makedirs(args.out, exist_ok=True)
    write("agencies.csv", ["機關代碼", "機關名稱", "上級機關代碼", "資安責任等級", "機關類型"],
          [(a.code, a.name, a.parent.code if a.parent else "", a.level, a.kind) for a in agencies])
    write("vendors.csv", ["統一編號", "廠商名稱", "陸資", "驗證", "分包廠商"], vendor_rows)
    write("systems.csv", ["機關代碼", "系統代碼", "系統名稱", "機密性", "完整性", "可用性", "法律遵循性",
                          "核心系統", "關鍵基礎設施"], systems)
    write("contracts.csv", ["契約編號", "機關代碼", "統一編號", "案名", "資服類型", "金額", "起始日",
                            "結束日", "系統代碼", "聯合稽核條款", "遠端維護", "分包廠商"], contract_rows)

    core = {row[1] for row in systems if row[7] == "是"}
    top = sorted(expected.items(), key=lambda item: (-len(item[1]["agencies"]), ids[item[0]]))
    summary = {
        "seed": args.seed, "scale": args.scale, "today": args.today,
        "counts": {"agencies": len(agencies), "vendors": vendor_count, "systems": len(systems),
                   "contracts": len(contract_rows),
                   "contracts_in_force": in_force[0],
                   "contracts_with_subcontractors": sum(1 for r in contract_rows if r[11]),
                   "vendor_subcontractor_links": sum(len(v) for v in vendor_subs.values()),
                   "core_systems": len(core),
                   "vendors_in_force": len(expected),
                   "vendors_serving_1_to_3": sum(1 for v in expected.values()
                                                 if len(v["agencies"]) <= 3)},
        "levels": {level: sum(1 for a in agencies if a.level == level) for level in "ABCDE"},
        "kinds": {kind: sum(1 for a in agencies if a.kind == kind)
                  for kind in ("central", "local", "ci_provider", "state_owned", "foundation")},
        "expected_top": [{"vendor_tax_id": ids[vendor], "vendor_name": names[vendor],
                          "agencies": len(row["agencies"]), "systems": len(row["systems"]),
                          "core_systems": len(row["systems"] & core), "amount": row["amount"]}
                         for vendor, row in top[:12]],
    }
    with open(os.path.join(args.out, "summary.json"), "w", encoding="utf-8") as handle:
        json.dump(summary, handle, ensure_ascii=False, indent=1)
    counts = summary["counts"]
    print(f"wrote {args.out}: {counts['agencies']} agencies, {counts['vendors']} vendors, "
          f"{counts['systems']} systems ({counts['core_systems']} core), {counts['contracts']} "
          f"contracts ({counts['contracts_in_force']} in force on {args.today})", file=sys.stderr)


if __name__ == "__main__":
    main()
