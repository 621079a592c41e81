package main

import (
	"strings"
	"testing"
)

const restrictedPod = `
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: app
          image: example/app:1
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}`

func TestRunPodSecurity(t *testing.T) {
	cases := []struct {
		name     string
		manifest string
		level    string
		wantErr  string
	}{
		{
			name:     "a restricted Deployment",
			manifest: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    metadata: {}\n    spec:" + restrictedPod,
			level:    "restricted",
		},
		{
			name:     "a privileged container",
			manifest: "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: app\n      image: example/app:1\n      securityContext: {privileged: true}",
			level:    "baseline",
			wantErr:  `Pod /p (`,
		},
		{
			name:     "root allowed at baseline but not at restricted",
			manifest: "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: example/app:1",
			level:    "restricted",
			wantErr:  "runAsNonRoot",
		},
		{
			name:     "a workload without its pod template",
			manifest: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: {}",
			level:    "restricted",
			wantErr:  "has no pod template",
		},
		{
			name:     "no pod at all",
			manifest: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}",
			level:    "restricted",
			wantErr:  "no pod or pod template in the input",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := runPodSecurity([]string{"-level", c.level, "-version", "v1.35", writeFile(t, "m.yaml", c.manifest)})
			if c.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Fatalf("error %v, want one containing %q", err, c.wantErr)
			}
		})
	}
}
