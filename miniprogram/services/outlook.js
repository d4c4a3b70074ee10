/** 兑付能力预警: will the community's volunteers be enough to honour the hours its elders banked? */

const api = require('../api/request')

/**
 * The next ten years for the station's community → {years: [{year, demand_text, supply_text,
 * coverage_text, status, status_text, …}], warning: {status, status_text, message, recruit_bands},
 * bands, assumptions: [{key, text, value}], recent, settings}. Minutes are integers; `*_text` is for display.
 */
const get = (communityId, opts) => api.get(`/communities/${communityId}/outlook`, null, opts)

module.exports = { get }
