/** 扫码登录工作台: the station's web console shows a QR code; a coordinator scans it here and approves. */

const api = require('../api/request')

const PREFIX = 'lovebank-console:'

/** Is this scanned text the console's login code? */
const isLoginCode = (text) => typeof text === 'string' && text.indexOf(PREFIX) === 0 && text.length > PREFIX.length

/** The console on the computer becomes my session → {approved, approved_at, member_name}. */
const approve = (code, opts) => api.post(`/console-sessions/${encodeURIComponent(code)}/approve`, {}, opts)

module.exports = { PREFIX, isLoginCode, approve }
