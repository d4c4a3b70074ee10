/**
 * Where a 已有志愿者接单 message opens (pages/requests/detail?id=): 我的求助 with this request
 * first and marked, so every action on it is where the household already knows to look.
 */

Component({
  methods: {
    onLoad(query) {
      wx.redirectTo({ url: `/pages/requests/index?focus=${Number(query && query.id) || ''}` })
    },
  },
})
