/**
 * Marks and tones for status codes; words only where the server sends none. A status the server
 * labels is shown in its words (the answer's `status_label`, passed as `fallback`); the mark and the
 * tone are ours, and the colour never carries the meaning alone (适老化).
 */

const TONES = { wait: 'wait', go: 'go', done: 'done', stop: 'stop', warn: 'warn' }

/*
 * The statuses the server labels (every answer carries `status_label`): a mark and a tone each,
 * no words — the server's are shown (status() below).
 */

const TOO_SHORT = { mark: '–', tone: TONES.stop }

const REQUEST_STATUS = {
  open: { mark: '…', tone: TONES.wait },
  claimed: { mark: '✓', tone: TONES.go },
  in_progress: { mark: '▶', tone: TONES.go },
  done: { mark: '!', tone: TONES.warn },
  confirmed: { mark: '✓', tone: TONES.done },
  credited: { mark: '✓', tone: TONES.done },
  cancelled: { mark: '×', tone: TONES.stop },
  expired: { mark: '×', tone: TONES.stop },
  no_show: { mark: '×', tone: TONES.stop },
  too_short: TOO_SHORT,
}

// A task moves through a request's states; two marks differ (an open task waits on the board, a done one on its witness).
const TASK_STATUS = Object.assign({}, REQUEST_STATUS, {
  open: { mark: '○', tone: TONES.wait },
  done: { mark: '…', tone: TONES.warn },
  // Not a server status: an open task held for the station's review (`held`), not yet claimable.
  held: { text: '等服务站审核', mark: '…', tone: TONES.warn, clientOnly: true },
})

const RECORD_STATUS = {
  reported: { mark: '…', tone: TONES.warn },
  confirmed: { mark: '✓', tone: TONES.done },
  credited: { mark: '✓', tone: TONES.done },
  disputed: { mark: '!', tone: TONES.stop },
  rejected: { mark: '×', tone: TONES.stop },
  reversed: { mark: '↺', tone: TONES.stop },
  withdrawn: { mark: '×', tone: TONES.stop },
  too_short: TOO_SHORT,
  redeemed: { mark: '✓', tone: TONES.done }, // a provider's service confirmed: the household's hours spent
}

const PAYBACK_STATUS = REQUEST_STATUS

const AGREEMENT_STATUS = {
  signing: { mark: '✎', tone: TONES.warn },
  active: { mark: '▶', tone: TONES.go },
  suspended: { mark: '‖', tone: TONES.stop },
  ended: { mark: '■', tone: TONES.done },
}

const OBJECTION_STATUS = {
  open: { mark: '!', tone: TONES.warn },
  upheld: { mark: '×', tone: TONES.stop },
  dismissed: { mark: '✓', tone: TONES.done },
}

const VISIT_STATUS = {
  pending: { mark: '○', tone: TONES.wait },
  confirmed: { mark: '✓', tone: TONES.done },
  disputed: { mark: '!', tone: TONES.stop },
}

/* The statuses the server sends no words for: ours. */

const EVENT_STATUS = {
  open: { text: '报名中', mark: '○', tone: TONES.go },
  closed: { text: '已结束，时间已记入', mark: '✓', tone: TONES.done },
  cancelled: { text: '已取消', mark: '×', tone: TONES.stop },
}

/**
 * Where a star award stands, as the volunteer and the station read it. The server's status
 * (proposed / approved / rejected / superseded) is split by what a proposed award waits for:
 * utils/stars.js stage().
 */
const AWARD_STATUS = {
  not_applied: { text: '已达到，还没有申请', mark: '○', tone: TONES.wait },
  applied: { text: '已申请，等服务站公示', mark: '…', tone: TONES.wait },
  in_notice: { text: '正在公示', mark: '…', tone: TONES.wait },
  objected: { text: '有居民异议，服务站核实中', mark: '!', tone: TONES.warn },
  notice_over: { text: '公示期满，等服务站批准', mark: '…', tone: TONES.go },
  approved: { text: '已评定，证书已发', mark: '✓', tone: TONES.done },
  rejected: { text: '未通过', mark: '×', tone: TONES.stop },
  superseded: { text: '已升为更高的星级', mark: '↑', tone: TONES.done },
}

const KINSHIP_STATUS = {
  confirmed: { text: '服务站已确认，可以转赠', mark: '✓', tone: TONES.done },
  waiting: { text: '等服务站确认', mark: '…', tone: TONES.wait },
  relative: { text: '等亲属家庭确认', mark: '…', tone: TONES.wait },
}

/** What a signer signs as, in the words on the button and in the list of parties. */
const PARTIES = { recipient: '服务对象', volunteer: '志愿者', coordinator: '服务站' }

const SOURCES = { request: '居民求助', agreement: '帮扶协议', event: '集中活动', payback: '优先回馈' }
const SLOTS = [
  { code: 'morning', name: '上午' },
  { code: 'afternoon', name: '下午' },
  { code: 'evening', name: '晚上' },
]
const WEEKDAY_NAMES = ['一', '二', '三', '四', '五', '六', '日']
const RETIRE_REASONS = { age: '年龄', illness: '疾病', other: '其他原因' }
const POLITICAL_STATUSES = ['中共党员', '中共预备党员', '共青团员', '民主党派', '群众']
const RELATIONS = ['本人', '配偶', '父亲', '母亲', '儿子', '女儿', '儿媳', '女婿', '孙子', '孙女', '外孙', '外孙女', '兄弟姐妹', '其他']

const UNKNOWN = { text: '处理中', mark: '…', tone: TONES.wait }

/**
 * 志愿者审核: what an applicant reads about their application; null once it is approved (or
 * for anyone who never applied). `v` is the volunteer part of /me or the profile.
 */
function application(v) {
  if (!v) return null
  if (v.status === 'pending') {
    return { title: '审核中，请等待社区工作人员确认', text: '审核通过后，您就能接单、签到和记录服务了。', mark: '…', tone: TONES.wait }
  }
  if (v.status === 'rejected') {
    return {
      title: '志愿者申请没有通过',
      text: `原因：${v.status_note || '没有写原因'}。您可以修改后重新提交申请，有疑问请联系社区服务站。`,
      mark: '!',
      tone: TONES.warn,
    }
  }
  return null
}

/**
 * A code's mark and tone, in the server's words (`fallback`, its status_label) whenever it sent them;
 * ours for a state the server does not have (`clientOnly`) or a kind it sends no words for.
 * An answer with neither shows the code rather than nothing.
 */
function status(table, code, fallback) {
  const known = table[code]
  const looks = known || UNKNOWN
  const text = (known && known.clientOnly && known.text) || fallback || (known && known.text) || code || UNKNOWN.text
  return { text, mark: looks.mark, tone: looks.tone }
}

module.exports = {
  REQUEST_STATUS, TASK_STATUS, RECORD_STATUS, PAYBACK_STATUS, AGREEMENT_STATUS, EVENT_STATUS,
  AWARD_STATUS, OBJECTION_STATUS, VISIT_STATUS, KINSHIP_STATUS, PARTIES, SOURCES, SLOTS, WEEKDAY_NAMES,
  RETIRE_REASONS, POLITICAL_STATUSES, RELATIONS, status, application,
}
