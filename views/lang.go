package views

import "net/url"

func otherLang(env *Env) string {
	if env.Lang == "en" {
		return "zh-CN"
	}
	return "en"
}

// langURL links to the language switch, coming back to the same page.
func langURL(env *Env) string {
	next := env.Path
	if env.Query != "" {
		next += "?" + env.Query
	}
	return "/lang/" + otherLang(env) + "?next=" + url.QueryEscape(next)
}
