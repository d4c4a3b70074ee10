/** The member's own record: who am I, and the fields I may change. */

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

module.exports = { getMe, updateMe, agreePrivacy }
