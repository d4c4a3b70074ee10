/** 爱心储蓄存折: balance, holds and entries, a page at a time by cursor; the monthly statements. */

const api = require('../api/request')

/** → {household, balance_minutes, held_minutes, available_minutes, entries, next_cursor (an opaque string, null on the last page), holds, yearly_totals}. */
function page({ householdId, cursor, limit = 20 } = {}, opts) {
  const path = householdId ? `/households/${householdId}/passbook` : '/me/passbook'
  return api.get(path, { cursor, limit }, opts)
}

/** 每月汇总登记: [{id, year, month, opening_minutes, minutes_in, minutes_out, closing_minutes, signed, key_id, signature_label, ...}]. */
const statements = (householdId, opts) => api.get(`/households/${householdId}/statements`, null, opts)

/** A month's signed statement: {signed, signature_label, key_id, document, compact (the QR's text), valid, verification_label, reasons}. */
const signedStatement = (statementId, opts) => api.get(`/statements/${statementId}/signed`, null, opts)

module.exports = { page, statements, signedStatement }
