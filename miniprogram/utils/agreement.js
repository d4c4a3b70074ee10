/** How an agreement reads on screen: its schedule in words, its parties and who still has to sign. */

const format = require('./format')
const labels = require('./labels')

const WEEKDAY = ['', '一', '二', '三', '四', '五', '六', '日']

/** {weekday: 2, start: "15:00", minutes: 60} → "每周二 15:00，1.0 小时". */
function slotText(s) {
  return `每周${WEEKDAY[s.weekday] || s.weekday} ${s.start}，${format.hours(s.minutes)}`
}

/** Signatures as rows: who, as what, signed or not (in words and a mark, not colour alone). */
function parties(a) {
  return (a.signatures || []).map((s, i) => ({
    key: `${s.party}-${s.member_id || i}`,
    party: labels.PARTIES[s.party] || s.party,
    // Before the station signs, the server names the party itself (服务站): no need to say it twice.
    name: s.member_name === labels.PARTIES[s.party] ? '' : s.member_name,
    signed: !!s.signed_at,
    text: s.signed_at
      ? `✓ 已签 ${format.date(s.signed_at)}${s.signed_by_name && s.signed_by_name !== s.member_name ? `（${s.signed_by_name}代签）` : ''}`
      : '○ 还没签',
  }))
}

/** My signature, by the party the server says I am (`my_party`); null when I am no party. */
function mySignature(a, memberId) {
  const sigs = a.signatures || []
  if (a.my_party === 'volunteer') return sigs.find((s) => s.party === 'volunteer' && s.member_id === memberId) || null
  if (a.my_party === 'recipient') return sigs.find((s) => s.party === 'recipient') || null
  if (a.my_party === 'coordinator') return sigs.find((s) => s.party === 'coordinator') || null
  return null
}

/** What the sign button says: what the person signs as. */
function signAs(a, memberId) {
  if (a.my_party === 'volunteer') return '我是志愿者，签署协议'
  if (a.my_party === 'recipient') {
    return a.recipient_id === memberId ? '我是服务对象，签署协议' : `我是${a.recipient_name}的家人，代他签署`
  }
  if (a.my_party === 'coordinator') return '服务站最后签署，协议生效'
  return ''
}

/** The others have all signed (the station signs last). */
function othersSigned(a) {
  return (a.signatures || []).filter((s) => s.party !== 'coordinator').every((s) => !!s.signed_at)
}

/** A list row: counts and whether it waits for me. */
function summary(a, memberId) {
  const sigs = a.signatures || []
  const mine = mySignature(a, memberId)
  return Object.assign({}, a, {
    period: `${format.date(a.start_date, true)} 至 ${format.date(a.end_date, true)}`,
    signedCount: sigs.filter((s) => s.signed_at).length,
    partyCount: sigs.length,
    waitsForMe: a.status === 'signing' && !!mine && !mine.signed_at && (a.my_party !== 'coordinator' || othersSigned(a)),
    slots: (a.schedule || []).map(slotText),
  })
}

module.exports = { slotText, parties, mySignature, signAs, othersSigned, summary, WEEKDAY }
