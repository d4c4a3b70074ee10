/**
 * Friendly checks before sending, so a person hears what is missing in plain words.
 * A courtesy only: the server decides, and its reasons are shown the same way.
 */

const format = require('./format')

const PHONE = /^1\d{10}$/

/** A request for help (预约服务 and 优先回馈 share it): field → reason. */
function checkNeed(f, today) {
  const e = {}
  if (!f.category_code) e.category_code = '请选择需要哪一类服务'
  else if (!f.item_code) e.item_code = '请选择具体的服务项目'
  if (!f.description || f.description.trim().length < 2) e.description = '请简单说说需要帮什么忙'
  if (!f.building || !f.building.trim()) e.building = '请填写楼号，方便志愿者找到您'
  if (!f.day) e.window = '请选择日期'
  else if (f.day < (today || format.today())) e.window = '日期不能早于今天'
  else if (!f.start || !f.end) e.window = '请选择开始和结束的时间'
  else if (format.minutesBetween(f.start, f.end) <= 0) e.window = '结束时间要晚于开始时间'
  if (!f.estimated_minutes) e.estimated_minutes = '请选择大约需要多长时间'
  return e
}

/**
 * A self-organised service report (自主开展). `original`: the report's fields before an edit —
 * the witness's phone may then stay blank while the witness stays the same (the server keeps it).
 */
function checkReport(f, today, original) {
  const e = {}
  if (!f.category_code) e.category_code = '请选择服务类别'
  else if (!f.item_code) e.item_code = '请选择服务项目'
  if (!f.place || !f.place.trim()) e.place = '请填写服务地点'
  if (!f.content || f.content.trim().length < 2) e.content = '请写一下做了什么'
  if (!f.day) e.window = '请选择服务日期'
  else if (f.day > (today || format.today())) e.window = '还没到的日子不能登记'
  else if (!f.start || !f.end) e.window = '请选择开始和结束的时间'
  else if (format.minutesBetween(f.start, f.end) <= 0) e.window = '结束时间要晚于开始时间'
  if (!f.witness_name || !f.witness_name.trim()) e.witness_name = '请填写见证人的姓名'
  const sameWitness = original && f.witness_name === original.witness_name
  if (!(sameWitness && !f.witness_phone) && !PHONE.test(f.witness_phone || '')) {
    e.witness_phone = original && !sameWitness ? '换了见证人，请填写新见证人的11位手机号' : '请填写见证人的11位手机号'
  }
  return e
}

/** 志愿者登记. */
function checkVolunteer(f) {
  const e = {}
  if (!f.name || !f.name.trim()) e.name = '请填写姓名'
  if (f.gender !== '男' && f.gender !== '女') e.gender = '请选择性别'
  if (!f.birth_date) e.birth_date = '请选择出生日期'
  if (!PHONE.test(f.phone || '')) e.phone = '请填写11位手机号'
  if (!f.intentions || !f.intentions.length) e.intentions = '请至少选一项想做的服务'
  if (f.consent_political && !f.political_status) e.political_status = '请选择政治面貌，或关掉上面的开关'
  return e
}

function isEmpty(errors) {
  return Object.keys(errors).length === 0
}

module.exports = { checkNeed, checkReport, checkVolunteer, isEmpty, PHONE }
