-- Health of an argoproj.io/Application as its parent sees it. Argo CD 1.8 stopped assessing
-- child Applications, so an app of apps no longer waits for a wave to be healthy before the
-- next; this check, installed as resource.customizations.health.argoproj.io_Application,
-- restores it: the child's own health, Progressing until it has one.
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
end
return hs
