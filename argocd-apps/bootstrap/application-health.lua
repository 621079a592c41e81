-- Health of an argoproj.io/Application as its parent sees it. Argo CD 1.8 stopped assessing
-- child Applications, so an app of apps no longer waits for a wave to be healthy before the
-- next; this check, installed as resource.customizations.health.argoproj.io_Application,
-- restores it: the child's own health, Progressing until it has one. A child whose sync is
-- still running, or that is OutOfSync, is Progressing too: its health then describes objects
-- of an older revision, or none yet (seen by scripts/argocd-e2e.sh). A child that cannot be
-- compared (Unknown: a value its chart refuses) keeps its health, so the root's sync ends and
-- the commit that fixes it is synced; otherwise the root would wait on it without a deadline.
hs = {}
hs.status = "Progressing"
hs.message = ""
if obj.status ~= nil then
  if obj.status.health ~= nil then
    hs.status = obj.status.health.status
    if obj.status.health.message ~= nil then
      hs.message = obj.status.health.message
    end
  end
  if hs.status == "Healthy" then
    if obj.operation ~= nil or (obj.status.operationState ~= nil and obj.status.operationState.phase == "Running") then
      hs.status = "Progressing"
      hs.message = "sync in progress"
    elseif obj.status.sync == nil or obj.status.sync.status == "OutOfSync" then
      hs.status = "Progressing"
      hs.message = "not yet synced"
    end
  end
end
return hs
