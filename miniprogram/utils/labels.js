/**
 * Words for codes. Every status has a word and a mark, and a tone only for colour:
 * the colour never carries the meaning alone (适老化).
 */

const TONES = { wait: 'wait', go: 'go', done: 'done', stop: 'stop', warn: 'warn' }

/**
 * A service shorter than the rounding step counts for nothing. The server's words name the
 * step in force (「不足30分钟，不计时」), so they win (`serverWords`); these are for when none came.
 */
const TOO_SHORT = { text: '服务时间太短，不计时', mark: '–', tone: TONES.stop, serverWords: true }

const REQUEST_STATUS = {
  open: { text: '等待志愿者接单', mark: '…', tone: TONES.wait },
  claimed: { text: '已有志愿者接单', mark: '✓', tone: TONES.go },
  in_progress: { text: '志愿者正在服务', mark: '▶', tone: TONES.go },
  done: { text: '服务完成，请您确认', mark: '!', tone: TONES.warn },
  confirmed: { text: '您已确认', mark: '✓', tone: TONES.done },
  credited: { text: '已完成，时间已存入', mark: '✓', tone: TONES.done },
  cancelled: { text: '已取消', mark: '×', tone: TONES.stop },
  expired: { text: '没有人接单，已过期', mark: '×', tone: TONES.stop },
  no_show: { text: '志愿者没有来，服务站已记录', mark: '×', tone: TONES.stop },
  too_short: TOO_SHORT,
}

const TASK_STATUS = {
  open: { text: '可以接单', mark: '○', tone: TONES.wait },
  claimed: { text: '已接单，待签到', mark: '✓', tone: TONES.go },
  in_progress: { text: '服务中，完成后签退', mark: '▶', tone: TONES.go },
  done: { text: '已签退，等待确认', mark: '…', tone: TONES.warn },
  confirmed: { text: '对方已确认', mark: '✓', tone: TONES.done },
  credited: { text: '时间已存入', mark: '✓', tone: TONES.done },
  cancelled: { text: '已取消', mark: '×', tone: TONES.stop },
  expired: { text: '已过期', mark: '×', tone: TONES.stop },
  no_show: { text: '志愿者未到', mark: '×', tone: TONES.stop },
  too_short: TOO_SHORT,
  // Not a server status: an open task held for the station's review (`held`), not yet claimable.
  held: { text: '等服务站审核', mark: '…', tone: TONES.warn },
}

const RECORD_STATUS = {
  reported: { text: '等待见证人确认', mark: '…', tone: TONES.warn },
  confirmed: { text: '已确认', mark: '✓', tone: TONES.done },
  credited: { text: '时间已存入', mark: '✓', tone: TONES.done },
  disputed: { text: '有异议，服务站处理中', mark: '!', tone: TONES.stop },
  rejected: { text: '未通过', mark: '×', tone: TONES.stop },
  reversed: { text: '已冲正', mark: '↺', tone: TONES.stop },
  withdrawn: { text: '已撤回', mark: '×', tone: TONES.stop },
  too_short: TOO_SHORT,
}

const PAYBACK_STATUS = Object.assign({}, REQUEST_STATUS, {
  open: { text: '已申请，优先安排中', mark: '…', tone: TONES.wait },
  credited: { text: '已完成，时间已结算', mark: '✓', tone: TONES.done },
})

const AGREEMENT_STATUS = {
  signing: { text: '待签署', mark: '✎', tone: TONES.warn },
  active: { text: '执行中', mark: '▶', tone: TONES.go },
  suspended: { text: '已暂停', mark: '‖', tone: TONES.stop },
  ended: { text: '已终止', mark: '■', tone: TONES.done },
}

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

const OBJECTION_STATUS = {
  open: { text: '待服务站处理', mark: '!', tone: TONES.warn },
  upheld: { text: '异议成立，评定不通过', mark: '×', tone: TONES.stop },
  dismissed: { text: '异议不成立，评定继续', mark: '✓', tone: TONES.done },
}

const VISIT_STATUS = {
  pending: { text: '待走访', mark: '○', tone: TONES.wait },
  confirmed: { text: '属实', mark: '✓', tone: TONES.done },
  disputed: { text: '有异议（未能证实）', mark: '!', tone: TONES.stop },
}

const KINSHIP_STATUS = {
  confirmed: { text: '服务站已确认，可以转赠', mark: '✓', tone: TONES.done },
  waiting: { text: '等服务站确认', mark: '…', tone: TONES.wait },
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
 * A code's words; one we do not know shows the server's own label (`fallback`), never a bare code when there is one.
 * A code marked `serverWords` prefers the server's label too (it names a setting in force).
 */
function status(table, code, fallback) {
  const known = table[code]
  if (known && known.serverWords && fallback) return { ...known, text: fallback }
  return known || { ...UNKNOWN, text: fallback || code || UNKNOWN.text }
}

module.exports = {
  REQUEST_STATUS, TASK_STATUS, RECORD_STATUS, PAYBACK_STATUS, AGREEMENT_STATUS, EVENT_STATUS,
  AWARD_STATUS, OBJECTION_STATUS, VISIT_STATUS, KINSHIP_STATUS, PARTIES, SOURCES, SLOTS, WEEKDAY_NAMES,
  RETIRE_REASONS, POLITICAL_STATUSES, RELATIONS, status, application,
}
