/** 兑付率: how the bank kept its word to the households that redeemed, a quarter at a time. */

const api = require('../api/request')

/**
 * A community's payback requests of a quarter by outcome (on time, late, not honoured, …), with each
 * figure's name in `labels`. Without a year and quarter: the current quarter so far.
 */
const quarter = (communityId, year, q, opts) =>
  api.get(`/communities/${communityId}/redemption`, year && q ? { year, quarter: q } : null, opts)

module.exports = { quarter }
