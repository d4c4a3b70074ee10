/**
 * 服务站 · 办理迁入: a household of another community of the network asks to move here. The receiving
 * station sees who, from where, why, the hours that would come along and what must be settled first, and
 * agrees (the hours cross through clearing) or says no with a reason the household reads. The station the
 * household leaves sees the same page without the buttons.
 */

const session = require('../../api/session')
const moves = require('../../services/moves')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

function view(m) {
  const me = session.member() || {}
  return Object.assign({}, m, {
    when: format.dateTime(m.requested_at),
    decided: m.decided_at ? format.dateTime(m.decided_at) : '',
    bring: format.hours(m.status === 'pending' ? m.available_minutes : m.minutes),
    blocking: m.blocking || [],
    receiving: m.status === 'pending' && m.to_community_id === me.community_id,
  })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { id: null, move: null },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query && query.id) })
      this.load()
    },
    load() {
      return this.track(moves.get(this.data.id, { quiet: true }), (m) => {
        this.setData({ move: view(m) })
      })
    },
    onAccept() {
      const m = this.data.move
      return this.act(() => moves.accept(m.id), '已同意迁入', {
        title: '同意迁入',
        content: `同意后，${m.household_name}存折里的${m.bring}从${m.from_community}转到本社区，这户的家人以后由本社区服务站服务。`,
        confirmText: '同意迁入',
        cancelText: '再看看',
      })
    },
    onReject() {
      const id = this.data.move.id
      return nav.askReason({ title: '不同意的原因', placeholder: '这户的家人会看到，例如：请先到服务站面谈', confirmText: '不同意', missing: '请写一下不同意的原因' })
        .then((reason) => reason && this.act(() => moves.reject(id, reason), '已回复'))
    },
  },
})
