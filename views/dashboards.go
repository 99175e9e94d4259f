package views

import (
	"math"
	"strconv"
)

// A dashboard chart is drawn by Apache ECharts (static/js/vendor, loaded only by pages
// with charts) from an option built here as JSON, and is always shown as a table of the
// same numbers too: readable without JavaScript, by screen readers and on paper.

// ChartSeries is one named row of values of a chart, one per category.
type ChartSeries struct {
	Name   string
	Values []float64
}

// Chart is one chart with its table.
type Chart struct {
	ID    string
	Title string // what and when, e.g. "2026—2027 学年 各区县注册率"
	Note  string // how the numbers are counted; may be empty
	// Kind is "bar" (columns), "hbar" (bars, for long category names), "line" or "pie".
	Kind string
	// Percent: the values are fractions from 0 to 1, shown as percentages.
	Percent      bool
	CategoryHead string
	Categories   []string
	Series       []ChartSeries
	// Extra columns of the table: the raw counts behind the rates, per category.
	ExtraHeads []string
	Extra      [][]string
}

// Empty reports whether the chart has nothing to draw.
func (c *Chart) Empty() bool {
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v != 0 {
				return false
			}
		}
	}
	return true
}

// Cell formats a series' value for the table.
func (c *Chart) Cell(s ChartSeries, i int) string {
	if i >= len(s.Values) {
		return ""
	}
	v := s.Values[i]
	if math.IsNaN(v) {
		return "—"
	}
	if c.Percent {
		return strconv.FormatFloat(v*100, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// shown returns a value as the chart draws it: percentages as such, rounded to 0.1;
// a withheld value (NaN) as nil, which ECharts leaves out.
func (c *Chart) shown(v float64) any {
	if math.IsNaN(v) {
		return nil
	}
	if c.Percent {
		return math.Round(v*1000) / 10
	}
	return math.Round(v*10) / 10
}

// Option is the chart's ECharts option.
func (c *Chart) Option() map[string]any {
	unit := ""
	if c.Percent {
		unit = "%"
	}
	opt := map[string]any{
		"animation": false,
		"aria":      map[string]any{"enabled": true},
		"tooltip":   map[string]any{"trigger": "axis"},
		"grid":      map[string]any{"left": 8, "right": 24, "top": 36, "bottom": 8, "containLabel": true},
		"textStyle": map[string]any{"fontFamily": "system-ui, -apple-system, 'PingFang SC', 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
	}
	if len(c.Series) > 1 || c.Kind == "line" {
		opt["legend"] = map[string]any{"top": 0, "type": "scroll"}
	}
	if c.Kind == "pie" {
		opt["tooltip"] = map[string]any{"trigger": "item"}
		data := make([]map[string]any, 0, len(c.Categories))
		if len(c.Series) > 0 {
			for i, name := range c.Categories {
				if i < len(c.Series[0].Values) {
					data = append(data, map[string]any{"name": name, "value": c.shown(c.Series[0].Values[i])})
				}
			}
		}
		opt["legend"] = map[string]any{"bottom": 0, "type": "scroll"}
		opt["series"] = []any{map[string]any{"type": "pie", "radius": []string{"35%", "62%"}, "data": data,
			"label": map[string]any{"formatter": "{b}\n{c}" + unit}}}
		return opt
	}
	cats := map[string]any{"type": "category", "data": c.Categories,
		"axisLabel": map[string]any{"interval": 0, "hideOverlap": true, "width": 96, "overflow": "truncate"}}
	vals := map[string]any{"type": "value", "axisLabel": map[string]any{"formatter": "{value}" + unit}}
	if c.Percent {
		vals["max"] = 100
	}
	kind, labelPos := c.Kind, "top"
	switch c.Kind {
	case "hbar":
		kind, labelPos = "bar", "right"
		cats["inverse"] = true
		opt["xAxis"], opt["yAxis"] = vals, cats
	default:
		if len(c.Categories) > 6 {
			cats["axisLabel"].(map[string]any)["rotate"] = 35
		}
		opt["xAxis"], opt["yAxis"] = cats, vals
	}
	series := make([]any, 0, len(c.Series))
	for _, s := range c.Series {
		data := make([]any, len(s.Values))
		for i, v := range s.Values {
			data[i] = c.shown(v)
		}
		sr := map[string]any{"name": s.Name, "type": kind, "data": data}
		if kind == "bar" && len(c.Series) <= 2 && len(c.Categories) <= 15 {
			sr["label"] = map[string]any{"show": true, "position": labelPos, "formatter": "{c}" + unit, "fontSize": 11}
		}
		if kind == "line" {
			sr["smooth"] = false
			sr["connectNulls"] = false
		}
		series = append(series, sr)
	}
	opt["series"] = series
	return opt
}

// Rows is the number of categories, for the height of a bar chart laid on its side.
func (c *Chart) Rows() string { return strconv.Itoa(len(c.Categories)) }
