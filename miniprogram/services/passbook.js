/** 爱心储蓄存折: balance, holds and entries, a page at a time by cursor. */

const api = require('../api/request')

function page({ householdId, cursor, limit = 20 } = {}, opts) {
  const path = householdId ? `/households/${householdId}/passbook` : '/me/passbook'
  return api.get(path, { cursor, limit }, opts)
}

module.exports = { page }
