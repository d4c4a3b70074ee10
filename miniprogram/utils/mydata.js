/**
 * My data export (GET /me/export) in plain words: what each section is, how much it holds,
 * and its contents line by line. Sections the server adds later are listed by their key.
 */

const format = require('./format')
const stars = require('./stars')

const FIELDS = {
  name: '姓名', gender: '性别', birth_date: '出生日期', age: '年龄', phone: '手机号', relation: '关系',
  health_needs: '健康情况', volunteer_no: '志愿者编号', status: '状态', occupation: '职业', specialties: '个人专长',
  political_status: '政治面貌', registered_at: '登记时间', community_name: '社区', building: '楼号', unit: '单元',
  room: '门牌', invite_code: '邀请码',
}

const day = (iso) => format.date(iso, true)
const when = (r) => `${day(r.started_at)} ${r.category_name || ''}`

// key → title and how one row reads; `fields` for a single record shown as label/value rows.
const SECTIONS = [
  { key: 'profile', title: '个人信息', fields: ['name', 'gender', 'birth_date', 'age', 'phone', 'relation', 'health_needs'] },
  { key: 'consents', title: '您的同意' },
  { key: 'volunteer', title: '志愿者档案', fields: ['volunteer_no', 'status', 'occupation', 'specialties', 'political_status', 'registered_at'] },
  { key: 'household', title: '家庭', fields: ['name', 'community_name', 'building', 'unit', 'room'] },
  { key: 'records_served', title: '我做的服务', line: (r) => `${when(r)}：${r.content}，${format.hours(r.duration_minutes)}（${r.status_label}）` },
  { key: 'records_witnessed', title: '我见证的服务', line: (r) => `${when(r)}：${r.volunteer_name}${r.content}，${format.hours(r.duration_minutes)}` },
  { key: 'records_received', title: '为我家做的服务', line: (r) => `${when(r)}：${r.volunteer_name}${r.content}，${format.hours(r.duration_minutes)}` },
  { key: 'passbook', title: '存折记录', line: (e) => `${day(e.service_date)} ${e.code_label} ${format.signedHours(e.minutes)} 小时：${e.content}` },
  { key: 'notifications', title: '消息', line: (n) => `${day(n.created_at)} ${n.title}` },
  { key: 'star_awards', title: '星级评定', line: (a) => `${a.year}年 ${stars.words(a.stars)}，${format.hours(a.minutes)}` },
  { key: 'objections', title: '我对公示提的异议', line: (o) => `${day(o.created_at)}：${o.reason}` },
  { key: 'audit_visits', title: '服务站对我的回访', line: (v) => `${v.outcome_at ? day(v.outcome_at) : '还没回访'}${v.notes ? `：${v.notes}` : ''}` },
  { key: 'requests', title: '求助', line: (r) => `${day(r.window_start)} ${r.item_name}：${r.description}` },
  { key: 'agreements', title: '帮扶协议', line: (a) => `${day(a.start_date)} 起：${a.content}` },
  { key: 'recipient_files', title: '建档立卡', line: (f) => `${day(f.consent_date)}：${f.needs}` },
]
const SKIP = ['exported_at', 'member_id']

function consentLines(c) {
  const agreed = (at) => (at ? `已同意（${day(at)}）` : '没有同意')
  return [
    `隐私指引：${agreed(c.privacy_agreed_at)}`,
    `记录健康情况：${agreed(c.health_consented_at)}`,
    `记录政治面貌：${agreed(c.political_status_consented_at)}`,
    `公告里显示全名：${c.name_in_public_notices ? '同意' : '不同意，只显示姓'}`,
  ]
}

function specFor(key) {
  return SECTIONS.find((s) => s.key === key) || { key, title: key }
}

/** The sections in order: ours first, then any the server added. */
function keys(doc) {
  const known = SECTIONS.map((s) => s.key).filter((k) => k in doc)
  return known.concat(Object.keys(doc).filter((k) => SKIP.indexOf(k) < 0 && known.indexOf(k) < 0))
}

/** One line per section: what it is and how much (for the privacy page after an export). */
function summary(doc) {
  return keys(doc).map((key) => {
    const v = doc[key]
    let size = '有'
    if (v === null || v === undefined || (Array.isArray(v) && !v.length)) size = '没有'
    else if (Array.isArray(v)) size = `${v.length} 条`
    else if (key === 'profile' || key === 'household') size = v.name || '有'
    return { key, title: specFor(key).title, size }
  })
}

/** Every section with its contents as lines of words (the data page). */
function sections(doc) {
  return keys(doc).map((key) => {
    const spec = specFor(key)
    const v = doc[key]
    let lines = []
    if (v === null || v === undefined || (Array.isArray(v) && !v.length)) lines = ['没有']
    else if (key === 'consents') lines = consentLines(v)
    else if (spec.fields) lines = spec.fields.filter((f) => v[f] !== null && v[f] !== undefined && v[f] !== '').map((f) => `${FIELDS[f]}：${/_at$|_date$/.test(f) ? day(v[f]) : v[f]}`)
    else if (Array.isArray(v)) lines = v.map((row) => (spec.line ? spec.line(row) : JSON.stringify(row)))
    else lines = [JSON.stringify(v)]
    return { key, title: spec.title, count: Array.isArray(v) ? v.length : null, lines }
  })
}

module.exports = { summary, sections, SECTIONS }
