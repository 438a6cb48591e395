package loadgen

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"time"
)

// Chart colours.
var (
	colBackground = color.RGBA{255, 255, 255, 255}
	colAxis       = color.RGBA{40, 40, 40, 255}
	colGrid       = color.RGBA{225, 225, 225, 255}
	colP50        = color.RGBA{30, 110, 200, 255}
	colP99        = color.RGBA{220, 60, 40, 255}
	colBars       = color.RGBA{90, 170, 90, 255}
	colBaseline   = color.RGBA{150, 60, 170, 255}
	colMark       = color.RGBA{255, 236, 170, 255}
)

// panel is a plotting area in image coordinates with its value ranges.
type panel struct {
	r          image.Rectangle
	xMax, yMax float64
}

func (p panel) px(x, y float64) (int, int) {
	return p.r.Min.X + int(x/p.xMax*float64(p.r.Dx())), p.r.Max.Y - int(math.Min(y, p.yMax)/p.yMax*float64(p.r.Dy()))
}

// RenderChart draws the run as a PNG: command→effect latency p50 and p99
// per window on top, completed commands per second below, with the
// passthrough baseline's rate as a line when it is known (> 0), and the
// service collector's marks (when traced) as yellow bands behind the
// latency.
func RenderChart(series []Window, start time.Time, baseline float64, marks []GCCycle, title string) ([]byte, error) {
	const w, h = 1200, 820
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{colBackground}, image.Point{}, draw.Src)
	drawText(img, 20, 14, title, colAxis)

	xMax := 1.0
	yLat, yThr := 1.0, math.Max(1, baseline)
	for _, s := range series {
		xMax = math.Max(xMax, s.To.Sub(start).Seconds())
		yLat = math.Max(yLat, ms(s.Latency.P99))
		yThr = math.Max(yThr, s.Throughput())
	}
	top := panel{image.Rect(110, 70, w-30, 400), xMax, niceCeil(yLat * 1.05)}
	bottom := panel{image.Rect(110, 470, w-30, h-60), xMax, niceCeil(yThr * 1.05)}
	latLabel := "LATENCY MS (P50 BLUE, P99 RED)"
	if len(marks) > 0 {
		latLabel = "LATENCY MS (P50 BLUE, P99 RED; SERVICE GC MARK YELLOW)"
	}
	for _, m := range marks {
		a, b := m.Start.Sub(start).Seconds(), m.End().Sub(start).Seconds()
		if b <= 0 || a >= xMax {
			continue
		}
		x0, _ := top.px(math.Max(a, 0), 0)
		x1, _ := top.px(math.Min(b, xMax), 0)
		fill(img, image.Rect(x0, top.r.Min.Y, max(x1, x0+1), top.r.Max.Y), colMark)
	}
	axes(img, top, latLabel)
	axes(img, bottom, "COMPLETED COMMANDS/S (BARS); BASELINE (PURPLE)")

	var prev50, prev99 image.Point
	for i, s := range series {
		x := s.From.Sub(start).Seconds() + s.To.Sub(s.From).Seconds()/2
		if s.Completed > 0 || s.Latency.Count > 0 {
			x0, _ := bottom.px(s.From.Sub(start).Seconds(), 0)
			x1, y := bottom.px(s.To.Sub(start).Seconds(), s.Throughput())
			fill(img, image.Rect(x0+1, y, max(x0+2, x1-1), bottom.r.Max.Y), colBars)
		}
		if s.Latency.Count == 0 {
			prev50, prev99 = image.Point{}, image.Point{}
			continue
		}
		p50 := pt(top.px(x, ms(s.Latency.P50)))
		p99 := pt(top.px(x, ms(s.Latency.P99)))
		if i > 0 && prev50 != (image.Point{}) {
			line(img, prev50, p50, colP50)
			line(img, prev99, p99, colP99)
		}
		fill(img, image.Rect(p50.X-2, p50.Y-2, p50.X+3, p50.Y+3), colP50)
		fill(img, image.Rect(p99.X-2, p99.Y-2, p99.X+3, p99.Y+3), colP99)
		prev50, prev99 = p50, p99
	}
	if baseline > 0 {
		_, y := bottom.px(0, baseline)
		for x := bottom.r.Min.X; x < bottom.r.Max.X; x += 12 {
			fill(img, image.Rect(x, y-1, x+7, y+2), colBaseline)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode chart: %w", err)
	}
	return buf.Bytes(), nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func pt(x, y int) image.Point { return image.Point{x, y} }

// axes draws the frame, horizontal grid lines with values, time ticks and a label.
func axes(img *image.RGBA, p panel, label string) {
	drawText(img, p.r.Min.X, p.r.Min.Y-26, label, colAxis)
	for i := 0; i <= 5; i++ {
		v := p.yMax * float64(i) / 5
		_, y := p.px(0, v)
		line(img, pt(p.r.Min.X, y), pt(p.r.Max.X, y), colGrid)
		s := formatTick(v)
		drawText(img, p.r.Min.X-10-textWidth(s), y-7, s, colAxis)
	}
	step := niceCeil(p.xMax / 10)
	for t := 0.0; t <= p.xMax; t += step {
		x, _ := p.px(t, 0)
		line(img, pt(x, p.r.Max.Y), pt(x, p.r.Max.Y+5), colAxis)
		s := formatTick(t) + "S"
		drawText(img, x-textWidth(s)/2, p.r.Max.Y+10, s, colAxis)
	}
	line(img, p.r.Min, pt(p.r.Min.X, p.r.Max.Y), colAxis)
	line(img, pt(p.r.Min.X, p.r.Max.Y), p.r.Max, colAxis)
}

func formatTick(v float64) string {
	switch {
	case v >= 10000:
		return fmt.Sprintf("%.0fK", v/1000)
	case v >= 10 || v == 0:
		return fmt.Sprintf("%.0f", v)
	default:
		return fmt.Sprintf("%.1f", v)
	}
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func fill(img *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(img, r, &image.Uniform{c}, image.Point{}, draw.Src)
}

// line draws a 2-pixel-wide segment (Bresenham).
func line(img *image.RGBA, a, b image.Point, c color.Color) {
	dx, dy := abs(b.X-a.X), -abs(b.Y-a.Y)
	sx, sy := sign(b.X-a.X), sign(b.Y-a.Y)
	e := dx + dy
	for {
		img.Set(a.X, a.Y, c)
		img.Set(a.X, a.Y+1, c)
		if a == b {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			a.X += sx
		}
		if e2 <= dx {
			e += dx
			a.Y += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func sign(v int) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
