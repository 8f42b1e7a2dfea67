/**
 * Translations (zh-TW by default, English on request), the user's date-format choice (民國 or
 * Gregorian), and the one function that turns an API error code into words.
 */
import { ApiError } from './api';

const zhTW = {
  'app.title': '受託者資安管理平台',
  'app.skip': '跳至主要內容',
  'nav.label': '主選單',
  'nav.menu': '選單',
  'nav.agencies': '機關',
  'nav.vendors': '廠商',
  'nav.systems': '資通系統',
  'nav.contracts': '契約',
  'nav.import': '匯入',
  'nav.concentration': '集中度',
  'user.menu': '使用者選單',
  'user.account': '帳號',
  'user.signOut': '登出',
  'user.changePassword': '變更密碼',
  'role.authority': '資安署',
  'role.agency_ciso': '機關資安長',
  'role.agency_officer': '機關承辦人',
  'role.vendor': '廠商',
  'role.auditor': '稽核委員',
  'settings.language': '語言',
  'settings.dateFormat': '日期格式',
  'settings.roc': '民國年',
  'settings.gregorian': '西元年',

  'signIn.title': '登入',
  'signIn.intro': '請以機關、廠商或資安署帳號登入。',
  'signIn.email': '電子郵件',
  'signIn.password': '密碼',
  'signIn.submit': '登入',
  'signIn.submitting': '登入中…',
  'signIn.failed': '登入失敗，請確認電子郵件與密碼。',
  'signIn.mfaEnrollment': '此帳號須先完成多因子驗證設定，目前的網頁介面尚不支援，請洽系統管理者。',

  'password.title': '變更密碼',
  'password.forcedIntro': '您目前使用的是一次性密碼，請先設定新密碼才能繼續使用本系統。',
  'password.rules':
    '新密碼至少 12 個字元，不可包含帳號名稱（電子郵件 @ 之前的部分），也不可與目前密碼相同。',
  'password.current': '目前密碼',
  'password.new': '新密碼',
  'password.confirm': '確認新密碼',
  'password.submit': '變更密碼',
  'password.submitting': '變更中…',
  'password.changed': '密碼已變更。',

  'common.loading': '載入中…',
  'common.save': '儲存',
  'common.saving': '儲存中…',
  'common.cancel': '取消',
  'common.edit': '編輯',
  'common.delete': '刪除',
  'common.new': '新增',
  'common.search': '搜尋',
  'common.clear': '清除',
  'common.yes': '是',
  'common.no': '否',
  'common.all': '全部',
  'common.none': '—',
  'common.retry': '重試',
  'common.close': '關閉',
  'common.backToList': '返回列表',
  'common.required': '必填',
  'common.dismiss': '關閉訊息',

  'collection.agencies': '機關',
  'collection.vendors': '廠商',
  'collection.systems': '資通系統',
  'collection.contracts': '契約',
  'collection.new.agencies': '新增機關',
  'collection.new.vendors': '新增廠商',
  'collection.new.systems': '新增資通系統',
  'collection.new.contracts': '新增契約',

  'list.total': '共 {total} 筆',
  'list.page': '第 {page} / {pages} 頁',
  'list.prev': '上一頁',
  'list.next': '下一頁',
  'list.perPage': '每頁筆數',
  'list.pagination': '分頁',
  'list.empty': '沒有符合條件的資料。',
  'list.emptyAll': '尚無資料，可按「新增」或使用「匯入」建立。',
  'list.search': '搜尋名稱或代碼',
  'list.filters': '篩選條件',
  'list.sortAsc': '（遞增排序）',
  'list.sortDesc': '（遞減排序）',

  'detail.fields': '基本資料',
  'detail.history': '異動紀錄',
  'detail.historyEmpty': '尚無異動紀錄。',
  'detail.confirmDeleteTitle': '確認刪除',
  'detail.confirmDelete': '確定要刪除「{name}」嗎？刪除後可透過重新匯入復原。',
  'detail.deleted': '已刪除「{name}」。',
  'detail.saved': '已儲存。',
  'detail.created': '已建立。',
  'detail.editTitle': '編輯「{name}」',
  'detail.noChanges': '沒有變更。',

  'history.action.create': '新增',
  'history.action.update': '修改',
  'history.action.delete': '刪除',
  'history.action.restore': '復原',
  'history.action.import_create': '匯入新增',
  'history.action.import_update': '匯入更新',
  'history.action.import_restore': '匯入復原',
  'history.field': '欄位',
  'history.before': '修改前',
  'history.after': '修改後',

  'field.id': '識別碼',
  'field.code': '機關代碼',
  'field.name': '名稱',
  'field.agencies.name': '機關名稱',
  'field.vendors.name': '廠商名稱',
  'field.systems.name': '系統名稱',
  'field.parent_code': '上級機關代碼',
  'field.level': '資安責任等級',
  'field.kind': '機關類別',
  'field.created_at': '建立時間',
  'field.updated_at': '更新時間',
  'field.tax_id': '統一編號',
  'field.prc_capital': '陸資廠商',
  'field.certifications': '認證',
  'field.subcontractors': '分包廠商統一編號',
  'field.agency_code': '機關代碼',
  'field.system_id': '系統代碼',
  'field.confidentiality': '機密性',
  'field.integrity': '完整性',
  'field.availability': '可用性',
  'field.legal': '法律遵循性',
  'field.core': '核心資通系統',
  'field.ci': '關鍵基礎設施相關',
  'field.protection_level': '防護需求等級',
  'field.contract_id': '契約編號',
  'field.vendor_tax_id': '廠商統一編號',
  'field.title': '契約名稱',
  'field.service_type': '資服類型',
  'field.amount': '金額（新臺幣元）',
  'field.start_date': '履約開始日',
  'field.end_date': '履約結束日',
  'field.system_ids': '資通系統代碼',
  'field.joint_audit_clause': '聯合稽核條款',
  'field.remote_maintenance': '遠端維護',
  'field.subcontractor_tax_ids': '分包廠商統一編號',
  'field.contracts.in_force_on': '履約中（基準日）',

  'form.listHint': '多筆請以逗號或換行分隔。',
  'form.certName': '認證名稱',
  'form.certExpires': '有效期限',
  'form.certAdd': '新增認證',
  'form.certRemove': '移除認證 {n}',
  'form.certEmpty': '尚未登錄認證。',
  'form.rocHint': '民國 {date}',
  'form.derived': '依機密性、完整性、可用性與法律遵循性中最高者自動計算。',
  'form.fixErrors': '請修正標示的欄位。',
  'form.noPermission': '您的角色無法修改此資料。',

  'enum.level.A': 'A 級',
  'enum.level.B': 'B 級',
  'enum.level.C': 'C 級',
  'enum.level.D': 'D 級',
  'enum.level.E': 'E 級',
  'enum.kind.central': '中央機關',
  'enum.kind.local': '地方機關',
  'enum.kind.ci_provider': '關鍵基礎設施提供者',
  'enum.kind.state_owned': '公營事業機構',
  'enum.kind.foundation': '政府捐助之財團法人',
  'enum.rating.normal': '普',
  'enum.rating.medium': '中',
  'enum.rating.high': '高',
  'enum.service_type.saas_packaged': 'SaaS 套裝服務',
  'enum.service_type.saas_office': 'SaaS 辦公室軟體',
  'enum.service_type.saas_customised': 'SaaS 客製化服務',
  'enum.service_type.paas_iaas': 'PaaS／IaaS',
  'enum.service_type.it_planning': '資訊規劃',
  'enum.service_type.security_planning': '資安規劃',
  'enum.service_type.system_development': '系統開發',
  'enum.service_type.feature_expansion': '功能擴充',
  'enum.service_type.system_maintenance': '系統維運',

  'import.title': '資料匯入',
  'import.intro':
    '上傳 CSV（UTF-8 或 Big5）或 XLSX 檔。先按「預覽」檢查，確認無誤再按「匯入」寫入。',
  'import.kind': '資料類別',
  'import.file': '檔案',
  'import.columns': '欄位順序：{columns}',
  'import.dryRun': '預覽',
  'import.run': '匯入',
  'import.running': '處理中…',
  'import.noFile': '請先選擇檔案。',
  'import.summary': '匯入結果',
  'import.summaryDry': '預覽結果（尚未寫入）',
  'import.created': '新增',
  'import.updated': '更新',
  'import.unchanged': '未變更',
  'import.errorsTitle': '檔案錯誤',
  'import.errorsIntro': '檔案有 {count} 個錯誤，未寫入任何資料。請修正後重新上傳。',
  'import.row': '列',
  'import.column': '欄位',
  'import.value': '值',
  'import.message': '說明',
  'import.changes': '逐列變更',
  'import.key': '識別碼',
  'import.action': '動作',
  'import.action.create': '新增',
  'import.action.update': '更新',
  'import.action.unchanged': '未變更',

  'conc.title': '廠商集中度',
  'conc.intro': '依基準日履約中的契約，統計各廠商服務的機關數、系統數與契約金額。',
  'conc.asOf': '基準日',
  'conc.agency': '機關代碼',
  'conc.agencyHint': '留空表示全部機關',
  'conc.apply': '查詢',
  'conc.csv': '下載 CSV',
  'conc.vendor': '廠商',
  'conc.agencies': '服務機關數',
  'conc.systems': '資通系統數',
  'conc.core_systems': '核心系統數',
  'conc.amount': '契約金額',
  'conc.subcontract_agencies': '分包服務機關數',
  'conc.subcontract_systems': '分包系統數',
  'conc.empty': '此基準日沒有履約中的契約。',
  'conc.caption': '{date} 廠商集中度',

  'page.notFound': '找不到此頁面。',

  'error.badRequest': '請求格式有誤。',
  'error.unknownParameter': '查詢條件有誤。',
  'error.validationFailed': '資料驗證未通過，請檢查標示的欄位。',
  'error.unauthenticated': '登入已逾時，請重新登入。',
  'error.invalidCredentials': '登入失敗，請確認電子郵件與密碼。',
  'error.mfaRequired': '需要多因子驗證。',
  'error.mfaEnrollmentRequired': '此帳號須先完成多因子驗證設定。',
  'error.forbidden': '您沒有執行此操作的權限。',
  'error.notFound': '找不到資料（可能已刪除或無權檢視）。',
  'error.conflict': '資料與現有資料衝突或已被他人變更，請重新整理後再試。',
  'error.payloadTooLarge': '檔案或資料過大。',
  'error.rateLimited': '操作過於頻繁，請稍後再試。',
  'error.internal': '伺服器發生錯誤，請稍後再試。',
  'error.network': '無法連線到伺服器，請檢查網路後重試。',
  'error.unsupportedEncoding': '無法辨識檔案編碼，請使用 UTF-8 或 Big5。',
  'error.notASpreadsheet': '無法讀取檔案，請上傳 CSV 或 XLSX。',
  'error.unexpected': '發生未預期的錯誤。',

  'fieldError.required': '此欄位為必填。',
  'fieldError.invalidTaxId': '統一編號格式或檢查碼錯誤。',
  'fieldError.invalidValue': '值不正確。',
  'fieldError.mustNotBeNegative': '不可為負數。',
  'fieldError.mustBePositive': '必須大於零。',
  'fieldError.endBeforeStart': '結束日不可早於開始日。',
  'fieldError.unknownAgency': '查無此機關代碼。',
  'fieldError.unknownVendor': '查無此廠商統一編號。',
  'fieldError.unknownSystem': '查無此資通系統代碼。',
  'fieldError.tooLong': '內容過長。',
  'fieldError.invalidDate': '日期格式不正確（YYYY-MM-DD）。',
  'fieldError.duplicate': '已有相同代碼的資料。',
  'fieldError.notANumber': '不是有效的數字。',
  'fieldError.unknownColumn': '無法辨識的欄位名稱。',
  'fieldError.missingColumn': '缺少必要欄位。',
  'fieldError.wrongPassword': '目前密碼不正確。',
  'fieldError.passwordTooShort': '密碼至少需 12 個字元。',
  'fieldError.passwordTooLong': '密碼過長。',
  'fieldError.passwordContainsAccountName': '密碼不可包含帳號名稱（電子郵件 @ 之前的部分）。',
  'fieldError.passwordReused': '新密碼不可與目前密碼相同。',
  'fieldError.passwordMismatch': '兩次輸入的新密碼不一致。',
  'fieldError.other': '值不正確（{code}）。',
} as const;

export type MessageKey = keyof typeof zhTW;

const en: Record<MessageKey, string> = {
  'app.title': 'SupplyGuard',
  'app.skip': 'Skip to main content',
  'nav.label': 'Main',
  'nav.menu': 'Menu',
  'nav.agencies': 'Agencies',
  'nav.vendors': 'Vendors',
  'nav.systems': 'Systems',
  'nav.contracts': 'Contracts',
  'nav.import': 'Import',
  'nav.concentration': 'Concentration',
  'user.menu': 'User menu',
  'user.account': 'Account',
  'user.signOut': 'Sign out',
  'user.changePassword': 'Change password',
  'role.authority': 'Authority',
  'role.agency_ciso': 'Agency CISO',
  'role.agency_officer': 'Agency officer',
  'role.vendor': 'Vendor',
  'role.auditor': 'Auditor',
  'settings.language': 'Language',
  'settings.dateFormat': 'Date format',
  'settings.roc': 'ROC year',
  'settings.gregorian': 'Gregorian',

  'signIn.title': 'Sign in',
  'signIn.intro': 'Sign in with your agency, vendor or authority account.',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.submitting': 'Signing in…',
  'signIn.failed': 'Sign-in failed. Check your email and password.',
  'signIn.mfaEnrollment':
    'This account must enrol in multi-factor authentication first, which the web interface does not support yet. Please contact your administrator.',

  'password.title': 'Change password',
  'password.forcedIntro':
    'You signed in with a one-time password. Choose a new password to continue.',
  'password.rules':
    'The new password must have at least 12 characters, must not contain your account name (the part of your email before @) and must differ from the current one.',
  'password.current': 'Current password',
  'password.new': 'New password',
  'password.confirm': 'Confirm new password',
  'password.submit': 'Change password',
  'password.submitting': 'Changing…',
  'password.changed': 'Your password has been changed.',

  'common.loading': 'Loading…',
  'common.save': 'Save',
  'common.saving': 'Saving…',
  'common.cancel': 'Cancel',
  'common.edit': 'Edit',
  'common.delete': 'Delete',
  'common.new': 'New',
  'common.search': 'Search',
  'common.clear': 'Clear',
  'common.yes': 'Yes',
  'common.no': 'No',
  'common.all': 'All',
  'common.none': '—',
  'common.retry': 'Retry',
  'common.close': 'Close',
  'common.backToList': 'Back to list',
  'common.required': 'required',
  'common.dismiss': 'Dismiss message',

  'collection.agencies': 'Agencies',
  'collection.vendors': 'Vendors',
  'collection.systems': 'Systems',
  'collection.contracts': 'Contracts',
  'collection.new.agencies': 'New agency',
  'collection.new.vendors': 'New vendor',
  'collection.new.systems': 'New system',
  'collection.new.contracts': 'New contract',

  'list.total': '{total} records',
  'list.page': 'Page {page} of {pages}',
  'list.prev': 'Previous',
  'list.next': 'Next',
  'list.perPage': 'Per page',
  'list.pagination': 'Pagination',
  'list.empty': 'Nothing matches these conditions.',
  'list.emptyAll': 'No records yet. Use “New” or “Import” to add some.',
  'list.search': 'Search names or codes',
  'list.filters': 'Filters',
  'list.sortAsc': '(sorted ascending)',
  'list.sortDesc': '(sorted descending)',

  'detail.fields': 'Details',
  'detail.history': 'Change history',
  'detail.historyEmpty': 'No changes recorded yet.',
  'detail.confirmDeleteTitle': 'Confirm deletion',
  'detail.confirmDelete': 'Delete “{name}”? A later import of the same record restores it.',
  'detail.deleted': 'Deleted “{name}”.',
  'detail.saved': 'Saved.',
  'detail.created': 'Created.',
  'detail.editTitle': 'Edit “{name}”',
  'detail.noChanges': 'Nothing changed.',

  'history.action.create': 'Created',
  'history.action.update': 'Updated',
  'history.action.delete': 'Deleted',
  'history.action.restore': 'Restored',
  'history.action.import_create': 'Created by import',
  'history.action.import_update': 'Updated by import',
  'history.action.import_restore': 'Restored by import',
  'history.field': 'Field',
  'history.before': 'Before',
  'history.after': 'After',

  'field.id': 'Id',
  'field.code': 'Agency code',
  'field.name': 'Name',
  'field.agencies.name': 'Agency name',
  'field.vendors.name': 'Vendor name',
  'field.systems.name': 'System name',
  'field.parent_code': 'Parent agency code',
  'field.level': 'Responsibility level',
  'field.kind': 'Kind',
  'field.created_at': 'Created',
  'field.updated_at': 'Updated',
  'field.tax_id': 'Tax id',
  'field.prc_capital': 'PRC capital',
  'field.certifications': 'Certifications',
  'field.subcontractors': 'Subcontractor tax ids',
  'field.agency_code': 'Agency code',
  'field.system_id': 'System id',
  'field.confidentiality': 'Confidentiality',
  'field.integrity': 'Integrity',
  'field.availability': 'Availability',
  'field.legal': 'Legal',
  'field.core': 'Core system',
  'field.ci': 'Critical infrastructure',
  'field.protection_level': 'Protection level',
  'field.contract_id': 'Contract id',
  'field.vendor_tax_id': 'Vendor tax id',
  'field.title': 'Title',
  'field.service_type': 'Service type',
  'field.amount': 'Amount (NT$)',
  'field.start_date': 'Start date',
  'field.end_date': 'End date',
  'field.system_ids': 'System ids',
  'field.joint_audit_clause': 'Joint audit clause',
  'field.remote_maintenance': 'Remote maintenance',
  'field.subcontractor_tax_ids': 'Subcontractor tax ids',
  'field.contracts.in_force_on': 'In force on',

  'form.listHint': 'Separate several with commas or new lines.',
  'form.certName': 'Certification',
  'form.certExpires': 'Expires on',
  'form.certAdd': 'Add certification',
  'form.certRemove': 'Remove certification {n}',
  'form.certEmpty': 'No certifications recorded.',
  'form.rocHint': 'ROC {date}',
  'form.derived':
    'Derived: the highest of the confidentiality, integrity, availability and legal ratings.',
  'form.fixErrors': 'Please correct the marked fields.',
  'form.noPermission': 'Your role cannot change this record.',

  'enum.level.A': 'Level A',
  'enum.level.B': 'Level B',
  'enum.level.C': 'Level C',
  'enum.level.D': 'Level D',
  'enum.level.E': 'Level E',
  'enum.kind.central': 'Central government',
  'enum.kind.local': 'Local government',
  'enum.kind.ci_provider': 'CI provider',
  'enum.kind.state_owned': 'State-owned enterprise',
  'enum.kind.foundation': 'Government-funded foundation',
  'enum.rating.normal': 'Normal',
  'enum.rating.medium': 'Medium',
  'enum.rating.high': 'High',
  'enum.service_type.saas_packaged': 'SaaS (packaged)',
  'enum.service_type.saas_office': 'SaaS (office)',
  'enum.service_type.saas_customised': 'SaaS (customised)',
  'enum.service_type.paas_iaas': 'PaaS / IaaS',
  'enum.service_type.it_planning': 'IT planning',
  'enum.service_type.security_planning': 'Security planning',
  'enum.service_type.system_development': 'System development',
  'enum.service_type.feature_expansion': 'Feature expansion',
  'enum.service_type.system_maintenance': 'System maintenance',

  'import.title': 'Import',
  'import.intro':
    'Upload a CSV (UTF-8 or Big5) or XLSX file. Use “Dry run” to check it, then “Import” to write it.',
  'import.kind': 'Kind of data',
  'import.file': 'File',
  'import.columns': 'Columns: {columns}',
  'import.dryRun': 'Dry run',
  'import.run': 'Import',
  'import.running': 'Working…',
  'import.noFile': 'Choose a file first.',
  'import.summary': 'Import result',
  'import.summaryDry': 'Dry-run result (nothing written)',
  'import.created': 'Created',
  'import.updated': 'Updated',
  'import.unchanged': 'Unchanged',
  'import.errorsTitle': 'Errors in the file',
  'import.errorsIntro':
    'The file has {count} errors; nothing was written. Correct them and upload it again.',
  'import.row': 'Row',
  'import.column': 'Column',
  'import.value': 'Value',
  'import.message': 'Message',
  'import.changes': 'Changes by row',
  'import.key': 'Key',
  'import.action': 'Action',
  'import.action.create': 'Create',
  'import.action.update': 'Update',
  'import.action.unchanged': 'Unchanged',

  'conc.title': 'Vendor concentration',
  'conc.intro':
    'For contracts in force on the chosen date: how many agencies and systems each vendor serves, and for how much.',
  'conc.asOf': 'As of',
  'conc.agency': 'Agency code',
  'conc.agencyHint': 'Leave empty for all agencies',
  'conc.apply': 'Show',
  'conc.csv': 'Download CSV',
  'conc.vendor': 'Vendor',
  'conc.agencies': 'Agencies',
  'conc.systems': 'Systems',
  'conc.core_systems': 'Core systems',
  'conc.amount': 'Amount',
  'conc.subcontract_agencies': 'Agencies as subcontractor',
  'conc.subcontract_systems': 'Systems as subcontractor',
  'conc.empty': 'No contracts are in force on this date.',
  'conc.caption': 'Vendor concentration as of {date}',

  'page.notFound': 'There is no such page.',

  'error.badRequest': 'The request was malformed.',
  'error.unknownParameter': 'The query has an unknown condition.',
  'error.validationFailed': 'Some values are invalid; see the marked fields.',
  'error.unauthenticated': 'Your session has ended. Please sign in again.',
  'error.invalidCredentials': 'Sign-in failed. Check your email and password.',
  'error.mfaRequired': 'Multi-factor authentication is required.',
  'error.mfaEnrollmentRequired': 'This account must enrol in multi-factor authentication first.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.notFound': 'Not found (it may have been deleted, or you may not see it).',
  'error.conflict':
    'This conflicts with existing data or was changed by someone else. Reload and try again.',
  'error.payloadTooLarge': 'The file or data is too large.',
  'error.rateLimited': 'Too many requests. Please wait a moment and try again.',
  'error.internal': 'The server failed. Please try again later.',
  'error.network': 'Cannot reach the server. Check the connection and retry.',
  'error.unsupportedEncoding': 'The file’s encoding is not recognised; use UTF-8 or Big5.',
  'error.notASpreadsheet': 'The file cannot be read; upload a CSV or XLSX file.',
  'error.unexpected': 'Something unexpected went wrong.',

  'fieldError.required': 'This field is required.',
  'fieldError.invalidTaxId': 'Not a valid tax id (8 digits with a check digit).',
  'fieldError.invalidValue': 'Invalid value.',
  'fieldError.mustNotBeNegative': 'Must not be negative.',
  'fieldError.mustBePositive': 'Must be greater than zero.',
  'fieldError.endBeforeStart': 'The end date is before the start date.',
  'fieldError.unknownAgency': 'No agency has this code.',
  'fieldError.unknownVendor': 'No vendor has this tax id.',
  'fieldError.unknownSystem': 'No system has this id.',
  'fieldError.tooLong': 'Too long.',
  'fieldError.invalidDate': 'Not a valid date (YYYY-MM-DD).',
  'fieldError.duplicate': 'A record with this key already exists.',
  'fieldError.notANumber': 'Not a number.',
  'fieldError.unknownColumn': 'Unknown column name.',
  'fieldError.missingColumn': 'A required column is missing.',
  'fieldError.wrongPassword': 'The current password is wrong.',
  'fieldError.passwordTooShort': 'The password must have at least 12 characters.',
  'fieldError.passwordTooLong': 'The password is too long.',
  'fieldError.passwordContainsAccountName':
    'The password must not contain your account name (the part of your email before @).',
  'fieldError.passwordReused': 'The new password must differ from the current one.',
  'fieldError.passwordMismatch': 'The two new passwords do not match.',
  'fieldError.other': 'Invalid value ({code}).',
};

export const locales = ['zh-TW', 'en'] as const;
export type Locale = (typeof locales)[number];
export type DateFormat = 'roc' | 'gregorian';

const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-TW': zhTW, en };

const localeKey = 'supplyguard.locale';
const dateFormatKey = 'supplyguard.dateFormat';

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // Private browsing may refuse storage; the choice then lasts for this page only.
  }
}

/** The user's display choices, persisted in localStorage. */
export const prefs = $state<{ locale: Locale; dateFormat: DateFormat }>({
  locale: stored(localeKey) === 'en' ? 'en' : 'zh-TW',
  dateFormat: stored(dateFormatKey) === 'gregorian' ? 'gregorian' : 'roc',
});

export function setLocale(locale: Locale): void {
  prefs.locale = locale;
  store(localeKey, locale);
  document.documentElement.lang = locale;
}

export function setDateFormat(format: DateFormat): void {
  prefs.dateFormat = format;
  store(dateFormatKey, format);
}

function hasKey(key: string): key is MessageKey {
  return Object.hasOwn(zhTW, key);
}

/** The message for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = dictionaries[prefs.locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Like `t`, for keys built at run time; `fallback` when the dictionary lacks the key. */
export function tDynamic(
  key: string,
  fallback: string,
  params: Record<string, string | number> = {},
): string {
  return hasKey(key) ? t(key, params) : fallback;
}

/** The one place API error codes become words: a banner message for any error. */
export function translateError(error: unknown): string {
  if (error instanceof ApiError) {
    const fallback = error.message && !error.message.startsWith('HTTP ') ? error.message : '';
    return tDynamic(`error.${error.code}`, fallback || t('error.unexpected'));
  }
  return t('error.unexpected');
}

/** Words for the codes a field error or an import row error carries. */
export function translateFieldError(code: string, serverMessage = ''): string {
  return tDynamic(`fieldError.${code}`, serverMessage || t('fieldError.other', { code }));
}

/** The label of a record field; a collection may name a shared field differently. */
export function fieldLabel(field: string, collection?: string): string {
  if (collection) {
    const specific = `field.${collection}.${field}`;
    if (hasKey(specific)) return t(specific);
  }
  return tDynamic(`field.${field}`, field);
}

/** The label of an enumeration value, e.g. enumLabel('rating', 'high') = 高. */
export function enumLabel(enumName: string, value: string): string {
  return tDynamic(`enum.${enumName}.${value}`, value);
}
