"""The shared registry every backend's server gets, loaded through the import API.

    A0100 (ministry) ─ A0101 (bureau; the officer's agency) ─ A0102 (branch)
    A0200 (another ministry, unrelated)

Contracts in force today run 2020-01-01 → 2099-12-31; C-OLD ended in 2010.

    contract  agency  vendor  amount     systems                    subcontractors
    C-101     A0101   V1      1,000,000  S-A0101-1, S-A0101-2       V4
    C-102     A0102   V2        500,000  S-A0102-1                  V1
    C-103     A0100   V3      2,000,000  S-A0100-1                  -
    C-201     A0200   V3      3,000,000  S-A0200-1, S-A0200-2       V5
    C-202     A0200   V5            100  S-A0200-2                  -
    C-OLD     A0101   V1            999  S-A0101-3 (2005 → 2010)    -

Canaries: OFFICER_CANARY is in the name of every record the officer of A0101 must not see,
VENDOR_CANARY in every record vendor V1 has no relation to; SUBCONTRACT_CANARY is in the name of
V2, the main contractor of the contract on which V1 is a subcontractor (V1 may read that contract
but not V2's vendor record). Tests must not add contracts for V1…V5 or agencies under A0100 or
A0200, so that the hand-computed expectations hold whatever runs first.
"""

from sg_http import csv_text

OFFICER_CANARY = "QQOFFCANARY"
VENDOR_CANARY = "QQVENCANARY"
SUBCONTRACT_CANARY = "QQSUBCANARY"

V1, V2, V3, V4, V5 = "04595252", "22099131", "53212539", "96979933", "10458575"
FORMULA_VENDOR_NAME = "=1+1 Formula Co"

AGENCIES = [
    ["code", "name", "parent_code", "level", "kind"],
    ["A0100", f"部會甲 {OFFICER_CANARY} {VENDOR_CANARY}", "", "A", "central"],
    ["A0101", "署乙 Bureau", "A0100", "B", "central"],
    ["A0102", "分署丙 Branch", "A0101", "C", "central"],
    ["A0200", f"部會丁 {OFFICER_CANARY} {VENDOR_CANARY}", "", "A", "local"],
]

VENDORS = [
    ["tax_id", "name", "prc_capital", "certifications"],
    [V1, "一號資訊 Vendor One", "否", "ISO 27001:2027-05-01"],
    [V2, f"二號系統 {SUBCONTRACT_CANARY}", "N", ""],
    [V3, f"三號科技 {OFFICER_CANARY} {VENDOR_CANARY}", "false", ""],
    [V4, "四號網通 Vendor Four", "no", ""],
    [V5, FORMULA_VENDOR_NAME, "是", "CMMI"],
]

SYSTEMS = [
    ["agency_code", "system_id", "name", "confidentiality", "integrity", "availability", "legal",
     "core", "ci"],
    ["A0101", "S-A0101-1", "Bureau core system", "normal", "medium", "high", "normal", "Y", "N"],
    ["A0101", "S-A0101-2", "Bureau website", "普", "普", "普", "普", "否", "否"],
    ["A0101", "S-A0101-3", f"Bureau legacy {VENDOR_CANARY}", "中", "普", "普", "普", "no", "no"],
    ["A0102", "S-A0102-1", "Branch ledger", "medium", "medium", "normal", "medium", "true",
     "false"],
    ["A0100", "S-A0100-1", f"Ministry mail {OFFICER_CANARY} {VENDOR_CANARY}", "high", "high",
     "high", "high", "是", "是"],
    ["A0200", "S-A0200-1", f"Beta portal {OFFICER_CANARY} {VENDOR_CANARY}", "normal", "normal",
     "normal", "normal", "N", "N"],
    ["A0200", "S-A0200-2", f"Beta core {OFFICER_CANARY} {VENDOR_CANARY}", "high", "normal",
     "normal", "normal", "Y", "N"],
]

IN_FORCE = ("2020-01-01", "2099-12-31")
CONTRACTS = [
    ["contract_id", "agency_code", "vendor_tax_id", "title", "service_type", "amount",
     "start_date", "end_date", "system_ids", "joint_audit_clause", "remote_maintenance",
     "subcontractor_tax_ids"],
    ["C-101", "A0101", V1, "Bureau operations", "system_maintenance", "1,000,000", *IN_FORCE,
     "S-A0101-1;S-A0101-2", "是", "否", V4],
    ["C-102", "A0102", V2, "Branch ledger upkeep", "system_development", "500000", *IN_FORCE,
     "S-A0102-1", "Y", "N", V1],
    ["C-103", "A0100", V3, f"Ministry mail {OFFICER_CANARY} {VENDOR_CANARY}", "saas_office",
     "2000000", *IN_FORCE, "S-A0100-1", "no", "no", ""],
    ["C-201", "A0200", V3, f"Beta platform {OFFICER_CANARY} {VENDOR_CANARY}", "paas_iaas",
     "3000000", *IN_FORCE, "S-A0200-1;S-A0200-2", "no", "yes", V5],
    ["C-202", "A0200", V5, f"Beta core care {OFFICER_CANARY} {VENDOR_CANARY}",
     "system_maintenance", "100", *IN_FORCE, "S-A0200-2", "no", "no", ""],
    ["C-OLD", "A0101", V1, "Bureau legacy upkeep (ended)", "system_maintenance", "999",
     "2005-01-01", "2010-12-31", "S-A0101-3", "no", "no", ""],
]

# Concentration today over the whole registry (hand-computed from the table above).
CONCENTRATION_ALL = {
    V1: dict(agencies=1, systems=2, core_systems=1, amount=1_000_000,
             subcontract_agencies=1, subcontract_systems=1),
    V2: dict(agencies=1, systems=1, core_systems=1, amount=500_000,
             subcontract_agencies=0, subcontract_systems=0),
    V3: dict(agencies=2, systems=3, core_systems=2, amount=5_000_000,
             subcontract_agencies=0, subcontract_systems=0),
    V4: dict(agencies=0, systems=0, core_systems=0, amount=0,
             subcontract_agencies=1, subcontract_systems=2),
    V5: dict(agencies=1, systems=1, core_systems=1, amount=100,
             subcontract_agencies=1, subcontract_systems=2),
}
# Restricted to the subtree of A0101 (A0101, A0102): C-101 and C-102.
CONCENTRATION_A0101 = {
    V1: dict(agencies=1, systems=2, core_systems=1, amount=1_000_000,
             subcontract_agencies=1, subcontract_systems=1),
    V2: dict(agencies=1, systems=1, core_systems=1, amount=500_000,
             subcontract_agencies=0, subcontract_systems=0),
    V4: dict(agencies=0, systems=0, core_systems=0, amount=0,
             subcontract_agencies=1, subcontract_systems=2),
}
# Restricted to A0102: C-102 only.
CONCENTRATION_A0102 = {
    V2: dict(agencies=1, systems=1, core_systems=1, amount=500_000,
             subcontract_agencies=0, subcontract_systems=0),
    V1: dict(agencies=0, systems=0, core_systems=0, amount=0,
             subcontract_agencies=1, subcontract_systems=1),
}

USERS = {
    "authority": ("authority@test.supplyguard.tw", "authority", None, None),
    "auditor": ("auditor@test.supplyguard.tw", "auditor", None, None),
    "officer": ("officer@test.supplyguard.tw", "agency_officer", "A0101", None),
    "vendor": ("vendor1@test.supplyguard.tw", "vendor", None, V1),
}


def csv_of(rows: list[list[str]]) -> str:
    return csv_text(rows)
