/**
 * Hours between households: 亲情转赠 gifts to a confirmed relative's household and donations to
 * the love pool (爱心池). Each carries an Idempotency-Key made when the person decides, so a
 * repeated send never moves the hours twice.
 */

const api = require('../api/request')

const kinships = (opts) => api.get('/kinships', null, opts)
const linkKin = (body, opts) => api.post('/kinships', body, opts)
const confirmKin = (id, opts) => api.post(`/kinships/${id}/confirm`, {}, opts)
/** The relative household (or its station for it) confirms a kinship across communities. */
const acceptKin = (id, opts) => api.post(`/kinships/${id}/accept`, {}, opts)

function withKey(key, opts) {
  return { ...opts, headers: { 'Idempotency-Key': key } }
}

/** body: {to_household_id, minutes, note}; key: api.idempotencyKey('gift') made once per decision. */
const gift = (body, key, opts) => api.post('/ledger/gifts', body, withKey(key, opts))
/** body: {minutes, note}. */
const donate = (body, key, opts) => api.post('/ledger/donations', body, withKey(key, opts))

module.exports = { kinships, linkKin, confirmKin, acceptKin, gift, donate }
