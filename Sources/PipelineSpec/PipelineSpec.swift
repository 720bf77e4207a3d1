// PipelineSpec module.
