/** The member's own record: who am I, the fields I may change, and my data (export, erasure). */

const api = require('../api/request')
const session = require('../api/session')

function keep(member) {
  session.setMember(member)
  return member
}

function getMe(opts) {
  return api.get('/me', null, opts).then(keep)
}

function updateMe(fields, opts) {
  return api.patch('/me', fields, opts).then(keep)
}

function agreePrivacy() {
  return updateMe({ agree_privacy: true })
}

/** Everything kept about me, as one JSON document of named sections. */
const exportData = (opts) => api.get('/me/export', null, opts)

/** 注销: personal fields erased, every token stops working; the passbook's entries stay, without the name. */
const erase = (opts) => api.post('/me/erasure', { confirm: true }, opts)

module.exports = { getMe, updateMe, agreePrivacy, exportData, erase }
