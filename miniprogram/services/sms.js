/** 短信提醒: texts for members WeChat cannot reach (an elder's 老年机 or a relative's phone). */

const api = require('../api/request')

/** {enabled, phone (masked), via, consented_at, withdrawn_at, messages: [{text, status, ...}]} */
const get = (memberId, opts) => api.get(`/members/${memberId}/sms`, null, opts)
/** Turn texts on with my consent in the app: {phone?} (my phone on file when left out). */
const turnOn = (memberId, phone, opts) => api.put(`/members/${memberId}/sms`, phone ? { consent: true, via: 'app', phone } : { consent: true, via: 'app' }, opts)
const turnOff = (memberId, opts) => api.del(`/members/${memberId}/sms`, opts)

/** A text's delivery status as a resident reads it. */
const STATUS = {
  pending: '等待发送', deferred: '夜里不打扰，早上再发', sending: '正在发送', sent: '已发出',
  delivered: '已送达', failed: '没有送达', skipped: '没有发送', unknown: '不确定是否发出',
}
const statusText = (status) => STATUS[status] || status

module.exports = { get, turnOn, turnOff, statusText }
