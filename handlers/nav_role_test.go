package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/jinducity/portal/views"
)

// TestMenuByRole: each role's menu shows its own main places, every one of which opens
// for it, instead of one link to a desk; visitors keep the public places.
func TestMenuByRole(t *testing.T) {
	e := mustEnv(t)
	want := map[string][]string{
		"teacher":     {"十个一", "班级", "测验"},
		"coordinator": {"服务项目", "成员", "统计"},
		"admin":       {"学校", "示范学校", "统计"},
		"district":    {"学校", "十个一", "统计"},
		"volunteer":   {"服务项目", "签到", "服务时长"},
		"student":     {"我的测验", "禁毒课堂"},
		"base":        {"我管理的基地", "教育基地"},
	}
	for role, labels := range want {
		var c *client
		if role == "student" {
			c = e.student("菜单生", "91")
		} else {
			c = e.login(role)
		}
		items := RoleNavOf(t, c)
		var got []string
		for _, it := range items {
			got = append(got, it.Label)
			path, _, _ := strings.Cut(it.Path, "#")
			wantStatus(t, role+" "+it.Label+" "+path, c.get(path), http.StatusOK)
		}
		for _, l := range labels {
			if !strings.Contains(strings.Join(got, "|"), l) {
				t.Errorf("%s menu %v lacks %s", role, got, l)
			}
		}
		if len(items) != len(views.RoleNav(role)) {
			t.Errorf("%s: %d role links, want %d", role, len(items), len(views.RoleNav(role)))
		}
		if strings.Contains(strings.Join(got, "|"), "我的工作台") {
			t.Errorf("%s menu still has 我的工作台", role)
		}
	}
	doc := e.client().get("/").Doc(t)
	if doc.Find(".nav-wide li.nav-role").Length() != 0 || doc.Find(`.nav-wide a[href="/lessons"]`).Length() != 1 {
		t.Error("a visitor's menu is not the public one")
	}
}

// RoleNavOf reads the role links of the wide menu on the first page of c's home.
func RoleNavOf(t *testing.T, c *client) []views.NavItem {
	t.Helper()
	var out []views.NavItem
	c.get("/").Doc(t).Find(".nav-wide li.nav-role a").Each(func(_ int, s *goquerySelection) {
		out = append(out, views.NavItem{Path: s.AttrOr("href", ""), Label: strings.TrimSpace(s.Text())})
	})
	return out
}
