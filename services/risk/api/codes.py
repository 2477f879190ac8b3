"""The risk service's code tables with their Chinese labels: the risk register's categories and statuses, and the
risk levels (red, orange, yellow, blue). Published so that clients can show them; the scoring model stays inside."""

LEVELS = ("blue", "yellow", "orange", "red")


LEVEL_LABELS = {"red": "红色（重大风险）", "orange": "橙色（较大风险）", "yellow": "黄色（一般风险）",
                "blue": "蓝色（低风险）"}

CATEGORIES = ("社会稳定", "安全生产", "公共安全", "涉众金融", "群体性事件苗头", "自然灾害", "公共卫生", "禁毒", "反邪教",
              "其他")


ITEM_STATUSES = {"open": "管控中", "controlled": "已稳控", "closed": "已化解"}

