/**
 * Where a 请确认一次服务 message opens (pages/records/confirm?id=): 我的求助 with this record
 * first under 请您确认, one tap from confirming it.
 */

Component({
  methods: {
    onLoad(query) {
      wx.redirectTo({ url: `/pages/requests/index?record=${Number(query && query.id) || ''}` })
    },
  },
})
