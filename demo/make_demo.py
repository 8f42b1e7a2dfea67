#!/usr/bin/env python3
"""Writes the sample registry that `supplyguard serve --demo` loads (deterministic).

Vendor names and their skew follow seed 000's table (one vendor serves far more agencies than
the rest). Tax ids are generated to pass the 統一編號 checksum; they are not the companies' real ids.
Run: python3 demo/make_demo.py  (rewrites demo/*.csv)
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [1, 2, 1, 2, 1, 2, 4, 1]


def valid_tax_id(number):
    digits = f"{number:08d}"
    total = 0
    for position, digit in enumerate(digits):
        if position == 6 and digit == "7":
            continue
        product = int(digit) * WEIGHTS[position]
        total += product // 10 + product % 10
    if digits[6] == "7":
        return total % 5 == 0 or (total + 1) % 5 == 0
    return total % 5 == 0


def tax_ids(rng, count):
    found = []
    while len(found) < count:
        candidate = rng.randrange(10_000_000, 99_999_999)
        if valid_tax_id(candidate) and f"{candidate:08d}" not in found:
            found.append(f"{candidate:08d}")
    return found


def main():
    rng = random.Random(115)
    agencies = [("A0100", "數位發展部", "", "A", "central"),
                ("A0101", "數位發展部資通安全署", "A0100", "A", "central"),
                ("A0102", "數位發展部數位產業署", "A0100", "B", "central"),
                ("A0200", "衛生福利部", "", "A", "central"),
                ("A0201", "衛生福利部中央健康保險署", "A0200", "A", "central"),
                ("A0202", "衛生福利部疾病管制署", "A0200", "B", "central"),
                ("A0300", "交通部", "", "A", "central"),
                ("A0301", "交通部中央氣象署", "A0300", "B", "central"),
                ("A0302", "交通部公路局", "A0300", "B", "central"),
                ("L0100", "臺北市政府", "", "A", "local"),
                ("L0101", "臺北市政府資訊局", "L0100", "B", "local"),
                ("L0200", "高雄市政府", "", "A", "local"),
                ("L0201", "高雄市政府研究發展考核委員會", "L0200", "C", "local"),
                ("L0300", "臺中市政府", "", "A", "local"),
                ("L0400", "新竹縣政府", "", "B", "local"),
                ("S0100", "台灣電力股份有限公司", "", "A", "ci_provider"),
                ("S0200", "台灣自來水股份有限公司", "", "A", "state_owned"),
                ("F0100", "財團法人國家實驗研究院", "", "C", "foundation"),
                ("F0200", "財團法人資訊工業策進會", "", "C", "foundation"),
                ("L0500", "花蓮縣政府", "", "C", "local")]
    names = ["中華電信", "凌網科技", "桓基科技", "哈瑪星科技", "叡揚資訊", "凱發科技",
             "資拓宏宇", "關貿網路", "康大資訊", "宏碁資訊", "精誠資訊", "零壹科技"]
    ids = ["04595252"] + tax_ids(rng, len(names) - 1)
    # Seed 000's skew: the first vendors serve most agencies.
    weights = [93, 78, 70, 64, 60, 58, 57, 45, 43, 12, 9, 5]
    certs = ["ISO 27001:2027-05-01", "CNS 27001:2026-12-31;ISO 27001:2027-03-31", "CMMI", ""]
    vendors = []
    for index, (tax_id, name) in enumerate(zip(ids, names)):
        subs = []
        if index < 4:
            subs = [ids[9 + index % 3]]
        vendors.append((tax_id, name, "否", certs[index % len(certs)], ";".join(subs)))

    levels = ["普", "中", "高"]
    systems = []
    for agency in agencies:
        for number in range(rng.randint(2, 5)):
            system_id = f"{agency[0]}-S{number + 1:02d}"
            ratings = [rng.choice(levels) for _ in range(4)]
            systems.append((agency[0], system_id, f"{agency[1]}系統{number + 1}", *ratings,
                            "是" if number == 0 else "否",
                            "是" if agency[4] == "ci_provider" else "否"))

    types = ["saas_packaged", "paas_iaas", "system_development", "feature_expansion",
             "system_maintenance", "security_planning"]
    contracts = []
    serial = 1
    for agency in agencies:
        agency_systems = [s[1] for s in systems if s[0] == agency[0]]
        for _ in range(rng.randint(2, 5)):
            vendor = rng.choices(range(len(ids)), weights=weights)[0]
            covered = rng.sample(agency_systems, k=min(len(agency_systems), rng.randint(1, 2)))
            start_year = rng.choice([113, 114, 115])
            sub = ids[10] if rng.random() < 0.15 and vendor != 10 else ""
            contracts.append((f"C{serial:04d}", agency[0], ids[vendor],
                              f"{agency[1]}資訊服務案{serial}", rng.choice(types),
                              rng.choice([800_000, 2_400_000, 6_000_000, 12_000_000, 35_000_000]),
                              f"{start_year}/01/01", f"{start_year + 2}/12/31", ";".join(covered),
                              rng.choice(["是", "否"]), "否", sub))
            serial += 1

    def write(name, header, rows):
        with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)

    write("agencies.csv", ["機關代碼", "機關名稱", "上級機關代碼", "資安責任等級", "機關類型"], agencies)
    write("vendors.csv", ["統一編號", "廠商名稱", "陸資", "驗證", "分包廠商"], vendors)
    write("systems.csv", ["機關代碼", "系統代碼", "系統名稱", "機密性", "完整性", "可用性", "法律遵循性",
                          "核心系統", "關鍵基礎設施"], systems)
    write("contracts.csv", ["契約編號", "機關代碼", "統一編號", "案名", "資服類型", "金額", "起始日",
                            "結束日", "系統代碼", "聯合稽核條款", "遠端維護", "分包廠商"], contracts)


if __name__ == "__main__":
    main()
