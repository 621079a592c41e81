package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"
	luajson "layeh.com/gopher-json"
)

// healthCase is an Application status and the health the script must report for it.
type healthCase struct {
	name   string
	status string
	want   string
}

var healthCases = []healthCase{
	{"healthy child", `{"health":{"status":"Healthy"},"sync":{"status":"Synced"}}`, "Healthy"},
	{"child still progressing", `{"health":{"status":"Progressing","message":"waiting for rollout"}}`, "Progressing"},
	{"degraded child", `{"health":{"status":"Degraded","message":"Deployment exceeded its progress deadline"}}`, "Degraded"},
	{"child not yet reconciled", `{}`, "Progressing"},
	{"child missing", `{"health":{"status":"Missing"}}`, "Missing"},
}

// runArgoCDHealth runs a resource health check written for Argo CD in the Lua VM Argo CD uses
// (gopher-lua, with obj as the global) against Application statuses, so the check that makes
// app-of-apps waves wait is proven to report the child's health.
func runArgoCDHealth(args []string) error {
	flags := flag.NewFlagSet("argocd-health", flag.ExitOnError)
	script := flags.String("script", "", "Lua health check for argoproj.io/Application")
	_ = flags.Parse(args)
	source, err := os.ReadFile(*script)
	if err != nil {
		return err
	}
	var problems []string
	for _, c := range healthCases {
		got, err := evaluateHealth(string(source), c.status)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", c.name, err))
		} else if got != c.want {
			problems = append(problems, fmt.Sprintf("%s: health %q, want %q", c.name, got, c.want))
		}
	}
	return report(problems, fmt.Sprintf("%s reports the health of %d Application states", *script, len(healthCases)))
}

func evaluateHealth(source, status string) (string, error) {
	var statusObject interface{}
	if err := json.Unmarshal([]byte(status), &statusObject); err != nil {
		return "", err
	}
	application := map[string]interface{}{
		"apiVersion": "argoproj.io/v1alpha1",
		"kind":       "Application",
		"metadata":   map[string]interface{}{"name": "child", "namespace": "argocd"},
		"status":     statusObject,
	}
	encoded, err := json.Marshal(application)
	if err != nil {
		return "", err
	}
	state := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer state.Close()
	obj, err := luajson.Decode(state, encoded)
	if err != nil {
		return "", err
	}
	state.SetGlobal("obj", obj)
	if err := state.DoString(source); err != nil {
		return "", err
	}
	result, ok := state.Get(-1).(*lua.LTable)
	if !ok {
		return "", fmt.Errorf("the script returned %s, not a table", state.Get(-1).Type())
	}
	return result.RawGetString("status").String(), nil
}
